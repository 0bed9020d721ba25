## bench/local.mk - automake fragment included by the top Makefile.am (bench/).

## The learned retransmission timeout (cfg.rto_learn), which the
## loss-sweep benchmark compares with the fixed policy.
libsmsdtls_core_la_SOURCES += transport/rto.c transport/rto.h

## The learned retransmission timeout against the fixed policy, in
## virtual time over the simulated SMSC.
check_PROGRAMS += tests/check_rto
tests_check_rto_SOURCES = tests/check_rto.c tests/testutil.h \
	tests/simnet.c tests/simnet.h sim/vnet.c sim/vnet.h
tests_check_rto_CFLAGS = $(TEST_CFLAGS)
tests_check_rto_CPPFLAGS = $(AM_CPPFLAGS) $(WOLFSSL_CFLAGS)
tests_check_rto_LDADD = libsmsc.la $(TEST_LIBS)

## smsdtls-bench: handshake-cost, loss-sweep, capacity (bench/).
noinst_PROGRAMS += bench/smsdtls-bench
bench_smsdtls_bench_SOURCES = bench/smsdtls-bench.c bench/bench.h \
	bench/common.c bench/bnet.c bench/bnet.h sim/vnet.c sim/vnet.h \
	bench/cost.c bench/sweep.c bench/capacity.c bench/gateway.c
bench_smsdtls_bench_CPPFLAGS = $(AM_CPPFLAGS) $(WOLFSSL_CFLAGS) \
	-DBENCH_DATA_DIR='"$(abs_top_srcdir)/tests/data"' \
	-DBENCH_SMSC_PROGRAM='"$(abs_top_builddir)/smsdtls-smsc$(EXEEXT)"' \
	-DBENCH_DAEMON_PROGRAM='"$(abs_top_builddir)/smsdtlsd$(EXEEXT)"'
bench_smsdtls_bench_LDADD = libsmsc.la libsmsdtls_core.la $(WOLFSSL_LIBS) -lm

## Smoke test: every subcommand in a tiny run prints well-formed CSV.
check_PROGRAMS += tests/check_bench
tests_check_bench_SOURCES = tests/check_bench.c tests/testutil.h
tests_check_bench_CFLAGS = $(TEST_CFLAGS)
tests_check_bench_CPPFLAGS = $(AM_CPPFLAGS) \
	-DBENCH_PROGRAM='"$(abs_top_builddir)/bench/smsdtls-bench$(EXEEXT)"'
tests_check_bench_LDADD = $(TEST_LIBS) -lm
EXTRA_tests_check_bench_DEPENDENCIES = bench/smsdtls-bench$(EXEEXT)

## make bench: every subcommand with a fixed seed; writes
## docs/BENCHMARKS.md and docs/bench-loss.png in the source tree.
BENCH_SEED = 1
bench: bench/smsdtls-bench$(EXEEXT) smsdtls-smsc$(EXEEXT) smsdtlsd$(EXEEXT)
	$(SHELL) $(top_srcdir)/scripts/bench-report \
	    $(abs_top_builddir)/bench/smsdtls-bench $(abs_top_srcdir)/docs \
	    $(BENCH_SEED)
.PHONY: bench

## bench/local.mk - automake fragment included by the top Makefile.am (bench/).

## The learned retransmission timeout (cfg.rto_learn), which the
## loss-sweep benchmark compares with the fixed policy.
libsmsdtls_core_la_SOURCES += transport/rto.c transport/rto.h

## The learned retransmission timeout against the fixed policy, in
## virtual time over the simulated SMSC.
check_PROGRAMS += tests/check_rto
tests_check_rto_SOURCES = tests/check_rto.c tests/testutil.h \
	tests/simnet.c tests/simnet.h
tests_check_rto_CFLAGS = $(TEST_CFLAGS)
tests_check_rto_CPPFLAGS = $(AM_CPPFLAGS) $(WOLFSSL_CFLAGS)
tests_check_rto_LDADD = libsmsc.la $(TEST_LIBS)

## modem/local.mk - automake fragment included by the top Makefile.am (modem/).

## The libgammu SMS bearer: the event-loop side (modem.c), the worker
## process that owns libgammu (worker.c), their frames (proto.c) and the
## TPDU <-> GSM_SMSMessage conversion (convert.c).  A convenience library
## for the daemon and the tests.
noinst_LTLIBRARIES += libmodem.la
libmodem_la_SOURCES = \
	modem/convert.c \
	modem/convert.h \
	modem/modem.c \
	modem/modem.h \
	modem/proto.c \
	modem/proto.h \
	modem/worker.c \
	modem/worker.h
libmodem_la_CFLAGS = $(AM_CFLAGS) $(GAMMU_CFLAGS) $(LIBEVENT_CFLAGS)
libmodem_la_LIBADD = $(GAMMU_LIBS) $(LIBEVENT_LIBS)

## Unit tests (conversion against libgammu's codec, frames, settings)
## and the bearer over AT modems of smsdtls-smsc with the real libgammu:
## sending and receiving with ports, status reports, the send rate, the
## SIM PIN (an AT modem served in-process).  The fault scenarios and the
## crash before the accept are a second program, so that make -j runs
## both at once (about 30 s each).
MODEM_TEST_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSMSC_PROGRAM='"$(abs_top_builddir)/smsdtls-smsc"'
MODEM_TEST_LIBS = libmodem.la libsmsc.la libsmsdtls_core.la \
	$(WOLFSSL_LIBS) $(CHECK_LIBS) $(GAMMU_LIBS) $(LIBEVENT_LIBS) -lutil

check_PROGRAMS += tests/check_modem tests/check_modem_faults

tests_check_modem_SOURCES = tests/check_modem.c tests/modemtest.c \
	tests/modemtest.h tests/testutil.h
tests_check_modem_CPPFLAGS = $(MODEM_TEST_CPPFLAGS)
tests_check_modem_CFLAGS = $(TEST_CFLAGS) $(GAMMU_CFLAGS) $(LIBEVENT_CFLAGS)
tests_check_modem_LDADD = $(MODEM_TEST_LIBS)
EXTRA_tests_check_modem_DEPENDENCIES = smsdtls-smsc$(EXEEXT)

tests_check_modem_faults_SOURCES = tests/check_modem_faults.c \
	tests/modemtest.c tests/modemtest.h tests/testutil.h
tests_check_modem_faults_CPPFLAGS = $(MODEM_TEST_CPPFLAGS)
tests_check_modem_faults_CFLAGS = $(TEST_CFLAGS) $(GAMMU_CFLAGS) \
	$(LIBEVENT_CFLAGS)
tests_check_modem_faults_LDADD = $(MODEM_TEST_LIBS)
EXTRA_tests_check_modem_faults_DEPENDENCIES = smsdtls-smsc$(EXEEXT)

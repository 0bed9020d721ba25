## daemon/support.mk - automake fragment included by the top Makefile.am:
## smsdtlsd's support modules (the configuration file, the durable record
## log and the two stores on it, the outgoing SMS journal and the saved
## DTLS sessions) as a convenience library for the daemon and the tests.
## util/confval.c, the lexing and values the configuration shares with
## smsdtls-smsc's, is compiled into that program too (Makefile.am).
noinst_LTLIBRARIES += libsmsdtlsd.la
libsmsdtlsd_la_SOURCES = \
	daemon/dconf.c \
	daemon/dconf.h \
	daemon/dconf_check.c \
	daemon/dconf_creds.c \
	daemon/dconf_dump.c \
	daemon/dconf_int.h \
	daemon/dconf_value.c \
	daemon/reclog.c \
	daemon/reclog.h \
	daemon/journal.c \
	daemon/journal.h \
	daemon/sessstore.c \
	daemon/sessstore.h \
	util/confval.c \
	util/confval.h

dist_man_MANS += man/smsdtlsd.conf.5

## The example configuration, distributed; the tests parse it.
dist_noinst_DATA = conf/smsdtlsd.conf

check_PROGRAMS += tests/check_dconf tests/check_daemon_store

## The config parser: every kind of mistake, every role, the example.
tests_check_dconf_SOURCES = tests/check_dconf.c tests/testutil.h
tests_check_dconf_CFLAGS = $(TEST_CFLAGS)
tests_check_dconf_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"' \
	-DEXAMPLE_CONF='"$(abs_top_srcdir)/conf/smsdtlsd.conf"'
tests_check_dconf_LDADD = libsmsdtlsd.la $(TEST_LIBS)

## The record log, the journal and the session store: durability across
## reopen, torn tails, corruption, compaction, a SIGKILLed writer.
tests_check_daemon_store_SOURCES = tests/check_daemon_store.c \
	tests/testutil.h
tests_check_daemon_store_CFLAGS = $(TEST_CFLAGS)
tests_check_daemon_store_LDADD = libsmsdtlsd.la $(TEST_LIBS)

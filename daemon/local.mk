## daemon/local.mk - automake fragment included by the top Makefile.am:
## smsdtlsd, the gateway and device-bridge daemon, and smsdtls-cat.  The
## library is linked in statically with its libevent driver, as in
## smsdtls-smsc.
DAEMON_LIBS = libsmsdtlsd.la libmodem.la libsmsc.la libsmsdtls_core.la \
	$(WOLFSSL_LIBS) $(LIBEVENT_LIBS) $(GAMMU_LIBS) -lm

sbin_PROGRAMS = smsdtlsd
smsdtlsd_SOURCES = \
	daemon/main.c \
	daemon/smsdtlsd.h \
	daemon/bearer.h \
	daemon/linkbearer.c \
	daemon/modembearer.c \
	daemon/modembearer.h \
	daemon/sms.c \
	daemon/devices.c \
	daemon/devices.h \
	daemon/gateway.c \
	daemon/relay.c \
	daemon/bridge.c \
	daemon/persist.c \
	daemon/metrics.c \
	transport/evdrv.c
smsdtlsd_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(GAMMU_CFLAGS)
smsdtlsd_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSMSDTLSD_CONF='"$(sysconfdir)/smsdtlsd/smsdtlsd.conf"'
smsdtlsd_LDADD = $(DAEMON_LIBS)

bin_PROGRAMS += smsdtls-cat
smsdtls_cat_SOURCES = tools/smsdtls-cat.c daemon/linkbearer.c \
	daemon/modembearer.c transport/evdrv.c
smsdtls_cat_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(GAMMU_CFLAGS)
smsdtls_cat_LDADD = $(DAEMON_LIBS)

## The systemd unit, with the configured paths.
systemdsystemunitdir = $(prefix)/lib/systemd/system
systemdsystemunit_DATA = conf/smsdtlsd.service
conf/smsdtlsd.service: $(srcdir)/conf/smsdtlsd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) conf && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/conf/smsdtlsd.service.in > $@
DAEMON_CLEANFILES = conf/smsdtlsd.service

## The example configuration: under the documentation's examples, and as
## the configuration itself unless one is there already.
smsdtlsdexamplesdir = $(docdir)/examples
smsdtlsdexamples_DATA = conf/smsdtlsd.conf
install-data-local:
	@if test ! -f $(DESTDIR)$(sysconfdir)/smsdtlsd/smsdtlsd.conf; then \
	  $(MKDIR_P) $(DESTDIR)$(sysconfdir)/smsdtlsd && \
	  $(INSTALL_DATA) $(srcdir)/conf/smsdtlsd.conf \
	    $(DESTDIR)$(sysconfdir)/smsdtlsd/smsdtlsd.conf; \
	fi
uninstall-local:
	@if test -f $(DESTDIR)$(sysconfdir)/smsdtlsd/smsdtlsd.conf && \
	  cmp -s $(srcdir)/conf/smsdtlsd.conf \
	    $(DESTDIR)$(sysconfdir)/smsdtlsd/smsdtlsd.conf; then \
	  rm -f $(DESTDIR)$(sysconfdir)/smsdtlsd/smsdtlsd.conf; \
	fi

dist_man_MANS += man/smsdtlsd.8 man/smsdtls-cat.1
EXTRA_DIST += conf/smsdtlsd.service.in

## Integration tests: smsdtls-smsc, smsdtlsd and smsdtls-cat run as
## programs on a simulated SMSC; the test plays the applications, the
## upstream peers, a DTLS server behind a relay and flooding phones.
check_PROGRAMS += tests/check_daemon
tests_check_daemon_SOURCES = tests/check_daemon.c tests/testutil.h
tests_check_daemon_CFLAGS = $(TEST_CFLAGS)
tests_check_daemon_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSMSC_PROGRAM='"$(abs_top_builddir)/smsdtls-smsc"' \
	-DSMSDTLSD_PROGRAM='"$(abs_top_builddir)/smsdtlsd"' \
	-DSMSDTLS_CAT_PROGRAM='"$(abs_top_builddir)/smsdtls-cat"' \
	-DTEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
tests_check_daemon_LDADD = libsmsc.la $(TEST_LIBS)
EXTRA_tests_check_daemon_DEPENDENCIES = smsdtlsd$(EXEEXT) \
	smsdtls-smsc$(EXEEXT) smsdtls-cat$(EXEEXT)

/*
 * check_dconf.c - smsdtlsd.conf's parser (daemon/dconf.c): the value
 * syntaxes, defaults, every kind of mistake reported as file:line, every
 * role's required keys, canonical numbers, the example conf/smsdtlsd.conf,
 * the dump read back, and credentials loaded into a working endpoint.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/dconf.h"
#include "daemon/dconf_int.h"
#include "tests/testutil.h"

static char dir[64];
static char conf_path[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_dconf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf_path, sizeof(conf_path), "%s/smsdtlsd.conf", dir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Parse text as a file; *errs (free it) gets what the parser wrote. */
static int
parse_text(struct dconf *c, const char *text, char **errs)
{
	size_t len;
	FILE *ef;
	int n;

	write_file(conf_path, text, 0644);
	ef = open_memstream(errs, &len);
	ck_assert_ptr_nonnull(ef);
	dconf_init(c);
	n = dconf_parse(c, conf_path, ef);
	fclose(ef);
	return n;
}

/* Parse text expecting nerr errors, one of them "PATH:line: want". */
static void
expect_error(const char *text, int nerr, int line, const char *want)
{
	struct dconf c;
	char *errs = NULL, needle[512];
	int n;

	n = parse_text(&c, text, &errs);
	if (line > 0)
		snprintf(needle, sizeof(needle), "%s:%d: %s", conf_path, line,
		    want);
	else
		snprintf(needle, sizeof(needle), "%s: %s", conf_path, want);
	ck_assert_msg(n == nerr, "%d errors, want %d:\n%s", n, nerr, errs);
	ck_assert_msg(strstr(errs, needle) != NULL, "no \"%s\" in:\n%s",
	    needle, errs);
	free(errs);
	dconf_free(&c);
}

static void
expect_ok(struct dconf *c, const char *text)
{
	char *errs = NULL;
	int n = parse_text(c, text, &errs);

	ck_assert_msg(n == 0, "%d errors:\n%s", n, errs);
	free(errs);
}

/* ------------------------------------------------------------- values */

START_TEST(test_durations)
{
	int64_t ms = -1;

	ck_assert(dconf_parse_duration("250ms", 0, INT64_MAX, &ms));
	ck_assert_int_eq(ms, 250);
	ck_assert(dconf_parse_duration("10s", 0, INT64_MAX, &ms));
	ck_assert_int_eq(ms, 10000);
	ck_assert(dconf_parse_duration("5m", 0, INT64_MAX, &ms));
	ck_assert_int_eq(ms, 300000);
	ck_assert(dconf_parse_duration("24h", 0, INT64_MAX, &ms));
	ck_assert_int_eq(ms, 86400000);
	ck_assert(dconf_parse_duration("2d", 0, INT64_MAX, &ms));
	ck_assert_int_eq(ms, 172800000);
	ck_assert(dconf_parse_duration("0", 0, INT64_MAX, &ms));
	ck_assert_int_eq(ms, 0);
	ms = 7;
	ck_assert(!dconf_parse_duration("0", 1, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("10", 0, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("s", 0, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("10x", 0, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("-1s", 0, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("1.5s", 0, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("10 s", 0, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("99999999999999999999d", 0,
	    INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("106751991168d", 0, INT64_MAX, &ms));
	ck_assert(!dconf_parse_duration("2h", 0, 3600000, &ms));
	ck_assert(!dconf_parse_duration("99ms", 100, 3600000, &ms));
	ck_assert_int_eq(ms, 7);
}
END_TEST

START_TEST(test_rates_bools_hosts)
{
	struct dconf_hostport hp;
	struct dconf_linkaddr la;
	struct dconf_rate r;
	char buf[64];
	bool b = false;

	ck_assert(dconf_parse_rate("60/min", &r));
	ck_assert(r.per_s == 1.0 && r.count == 60 && r.unit_s == 60);
	ck_assert(dconf_parse_rate("7200/h", &r));
	ck_assert(r.per_s == 2.0);
	ck_assert(dconf_parse_rate("3/s", &r));
	ck_assert(r.per_s == 3.0);
	ck_assert(dconf_parse_rate("0", &r));
	ck_assert(r.per_s == 0 && r.count == 0);
	ck_assert(!dconf_parse_rate("0/s", &r));
	ck_assert(!dconf_parse_rate("5/day", &r));
	ck_assert(!dconf_parse_rate("/s", &r));
	ck_assert(!dconf_parse_rate("5", &r));
	ck_assert(!dconf_parse_rate("1000001/s", &r));
	dconf_fmt_rate(&(struct dconf_rate){ 0, 90, 3600 }, buf, sizeof(buf));
	ck_assert_str_eq(buf, "90/h");

	ck_assert(dconf_parse_bool("yes", &b) && b);
	ck_assert(dconf_parse_bool("false", &b) && !b);
	ck_assert(dconf_parse_bool("on", &b) && b);
	ck_assert(!dconf_parse_bool("1", &b));
	ck_assert(!dconf_parse_bool("On", &b));

	ck_assert(dconf_parse_hostport("[::1]:5683", &hp));
	ck_assert_str_eq(hp.host, "::1");
	ck_assert_uint_eq(hp.port, 5683);
	dconf_fmt_hostport(&hp, buf, sizeof(buf));
	ck_assert_str_eq(buf, "[::1]:5683");
	ck_assert(dconf_parse_hostport("coap.example.net:5683", &hp));
	ck_assert_str_eq(hp.host, "coap.example.net");
	ck_assert(!dconf_parse_hostport("::1:5683", &hp));
	ck_assert(!dconf_parse_hostport("[::g]:5683", &hp));
	ck_assert(!dconf_parse_hostport("host:0", &hp));
	ck_assert(!dconf_parse_hostport("host:", &hp));
	ck_assert(!dconf_parse_hostport(":5683", &hp));
	ck_assert(!dconf_parse_hostport("-host:5683", &hp));
	ck_assert(!dconf_parse_hostport("a..b:5683", &hp));
	ck_assert(!dconf_parse_hostport("host_x:5683", &hp));

	ck_assert(dconf_parse_linkaddr("tcp:127.0.0.1:7000", &la));
	ck_assert(la.tcp && la.hp.port == 7000);
	ck_assert(dconf_parse_linkaddr("unix:/run/s.sock", &la));
	ck_assert(!la.tcp);
	ck_assert_str_eq(la.path, "/run/s.sock");
	memset(buf, 'a', sizeof(buf));
	ck_assert(!dconf_parse_linkaddr("unix:relative", &la));
	ck_assert(!dconf_parse_linkaddr("udp:1.2.3.4:5", &la));
	ck_assert(!dconf_parse_linkaddr("unix:/"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &la));
}
END_TEST

/* -------------------------------------------------------------- files */

/* A terminating gateway; lines after it are in [dtls] (line 9 on). */
#define GW_BASE								\
	"[bearer s]\n"							\
	"type = link\n"							\
	"address = unix:/tmp/link.sock\n"				\
	"msisdn = +447700900001\n"					\
	"[upstream]\n"							\
	"address = 127.0.0.1:5683\n"					\
	"[dtls]\n"							\
	"psk_store = /etc/psk\n"

START_TEST(test_defaults)
{
	struct dconf c;

	expect_ok(&c, GW_BASE);
	ck_assert_int_eq(c.role, DCONF_GATEWAY);
	ck_assert_str_eq(c.state_dir, "/var/lib/smsdtlsd");
	ck_assert_str_eq(c.user, "");
	ck_assert_int_eq(c.log, DCONF_LOG_STDERR);
	ck_assert_int_eq(c.log_level, SMSDTLS_LOG_INFO);
	ck_assert_str_eq(c.metrics.host, "");
	ck_assert(c.wdp);
	ck_assert_uint_eq(c.port, 5684);
	ck_assert(!c.status_reports && !c.concat);
	ck_assert_int_eq(c.app_validity_ms, 3600000);
	ck_assert_uint_eq(c.nbearers, 1);
	ck_assert_str_eq(c.bearers[0].name, "s");
	ck_assert_int_eq(c.bearers[0].type, DCONF_BEARER_LINK);
	ck_assert_str_eq(c.bearers[0].address.path, "/tmp/link.sock");
	ck_assert_str_eq(c.bearers[0].msisdn.text, "+447700900001");
	ck_assert_int_eq(c.bearers[0].msisdn.addr.ton,
	    SMSDTLS_TON_INTERNATIONAL);
	ck_assert(c.bearers[0].send_rate.per_s == 0);
	ck_assert_int_eq(c.auth, SMSDTLS_AUTH_PSK);
	ck_assert(c.client_auth && !c.session_tickets);
	ck_assert_int_eq(c.rto_initial_ms, 10000);
	ck_assert(!c.rto_learn);
	ck_assert_int_eq(c.rto_max_ms, 60000);
	ck_assert_int_eq(c.handshake_timeout_ms, 600000);
	ck_assert_int_eq(c.idle_timeout_ms, 86400000);
	ck_assert_int_eq(c.park_after_ms, 300000);
	ck_assert_uint_eq(c.max_sessions, 1024);
	ck_assert_uint_eq(c.max_half_open, 64);
	ck_assert_str_eq(c.upstream.host, "127.0.0.1");
	ck_assert_uint_eq(c.upstream.port, 5683);
	ck_assert_str_eq(c.bind, "");
	ck_assert(c.rate.per_s == 1.0);
	ck_assert_uint_eq(c.nallow, 0);
	ck_assert_uint_eq(c.queue, 16);
	ck_assert_uint_eq(c.journal_max, 100000);
	dconf_free(&c);
}
END_TEST

static const struct ecase {
	const char	*text;		/* after GW_BASE, from line 9 */
	int		 nerr;
	int		 line;
	const char	*want;
} ecases[] = {
	{ "[nosuch]\nfoo = 1\n", 1, 9, "unknown section [nosuch]" },
	{ "[limits]\nfoo = 1\n", 1, 10, "unknown key 'foo' in [limits]" },
	{ "[limits]\nqueue = 4\nqueue = 5\n", 1, 11,
	    "queue: repeated (first at line 10)" },
	{ "[dtls]\nrto_max = 1m\n", 1, 9,
	    "[dtls] repeated (first at line 7)" },
	{ "[limits]\nqueue = many\n", 1, 10,
	    "queue: expected 1..100000, not 'many'" },
	{ "[limits]\nqueue = 0\n", 1, 10, "queue: expected 1..100000" },
	{ "[sms]\nwdp = maybe\n", 1, 10,
	    "wdp: expected on or off, not 'maybe'" },
	{ "[smsdtlsd]\nrole = server\n", 1, 10,
	    "role: expected gateway, relay or bridge, not 'server'" },
	{ "[smsdtlsd]\nlog_level = loud\n", 1, 10,
	    "log_level: expected error, warn, info or debug" },
	{ "[smsdtlsd]\nlog = file\n", 1, 10, "log: expected stderr or syslog" },
	{ "[sms]\napp_validity = 10\n", 1, 10,
	    "app_validity: expected a duration, 1s..441d, not '10'" },
	{ "[sms]\napp_validity = 442d\n", 1, 10,
	    "app_validity: expected a duration, 1s..441d" },
	{ "[limits]\nrate = 5/day\n", 1, 10, "rate: expected N/s, N/min" },
	{ "[sms]\nport = 70000\n", 1, 10, "port: expected a port, 1..65535" },
	{ "[smsdtlsd]\nstate_dir = var/lib\n", 1, 10,
	    "state_dir: expected an absolute path, not 'var/lib'" },
	{ "[smsdtlsd]\nuser = bad user\n", 1, 10,
	    "user: expected a user name" },
	{ "[sms]\ncountry_code = 4a\n", 1, 10,
	    "country_code: expected 1-3 digits" },
	{ "[sms]\ncountry_code = 4444\n", 1, 10,
	    "country_code: expected 1-3 digits" },
	{ "[smsdtlsd]\nmetrics = 9100\n", 1, 10,
	    "metrics: expected HOST:PORT or off, not '9100'" },
	{ "[smsdtlsd]\nmetrics = ::1:9100\n", 1, 10,
	    "metrics: expected HOST:PORT or off" },
	{ "[bearer t]\ntype = link\naddress = udp:1.2.3.4:5\n"
	    "msisdn = +447700900002\n", 1, 11, "address: expected unix:/PATH" },
	{ "[bearer t]\ntype = link\naddress = unix:/x\nmsisdn = call-me\n", 1,
	    12, "msisdn: expected a number such as +447700900123, not "
	    "'call-me'" },
	{ "[bearer t]\ntype = modem\n", 1, 10,
	    "type: expected link or gammu, not 'modem'" },
	{ "[bearer t]\ntype = gammu\ndevice = /dev/ttyUSB0\n"
	    "poll_interval = 2h\n", 1, 12,
	    "poll_interval: expected a duration, 1s..1h" },
	{ "[bearer t]\ntype = gammu\ndevice = /dev/ttyUSB0\n"
	    "connection = at 115200\n", 1, 12, "connection: expected a gammu" },
	{ "[limits]\nallow = +44, 07700\n", 1, 10,
	    "allow: expected all, or up to 32 prefixes" },
	{ "[limits]\nallow = +44,,+45\n", 1, 10, "allow: expected all" },
	{ "[limits]\nallow = +\n", 1, 10, "allow: expected all" },
	{ "[limits]\nqueue\n", 1, 10, "expected 'key = value': queue" },
	{ "[limits]\nqueue =\n", 1, 10, "queue: no value" },
	{ "[limits]\n= 5\n", 1, 10, "no key before '='" },
	{ "[limits\n", 1, 9, "section header without ']'" },
	{ "[bearer bad name!]\n", 1, 9, "bad bearer name 'bad name!'" },
	{ "[bearer s]\n", 1, 9, "[bearer s] repeated (first at line 1)" },
	{ "[bearer]\n", 1, 9, "[bearer] needs a name: [bearer NAME]" },
	{ "[limits]\nqueue = 1\a\n", 1, 10, "control character 0x07" },
	{ "[sms]\nconcat = on\n", 1, 10,
	    "concat: not used by role = gateway (only by relay)" },
	{ "[sms]\ngateway = +447700900002\n", 1, 10,
	    "gateway: not used by role = gateway (only by bridge)" },
	{ "key = /etc/key.pem\n", 1, 9,
	    "key: not used with auth = psk (only with rpk or x509)" },
	{ "client_auth = off\n", 1, 9,
	    "client_auth: not used with auth = psk (only with rpk or x509)" },
	{ "psk_identity = me\n", 1, 9,
	    "psk_identity: not used by role = gateway (only by bridge)" },
	{ "[sms]\nwdp = off\nport = 5684\n", 1, 11,
	    "port: not used with wdp = off" },
	{ "[bearer m]\ntype = link\naddress = unix:/x\nmsisdn = +447700900002\n"
	    "device = /dev/ttyUSB0\n", 1, 13,
	    "device: not used by type = link bearers (only by gammu)" },
	{ "[bridge]\nlisten = 127.0.0.1:5683\n", 1, 9,
	    "[bridge] is not used by role = gateway (only by bridge)" },
	{ "rto_initial = 30s\nrto_max = 20s\n", 1, 10,
	    "rto_max 20s is below rto_initial 30s" },
	{ "rto_initial = 50ms\n", 1, 9,
	    "rto_initial: expected a duration, 100ms..1h" },
	{ "[map]\n+447700900123 = 7001\n+447700900123 = 7002\n", 1, 11,
	    "[map] +447700900123: repeated (first at line 10)" },
	{ "[map]\n+447700900123 = 7001\n+447700900124 = 7001\n", 1, 11,
	    "[map] +447700900124: port 7001 is +447700900123's already "
	    "(line 10)" },
	{ "[sms]\ncountry_code = 44\n[map]\n+447700900123 = 7001\n"
	    "07700900123 = 7002\n", 1, 13,
	    "[map] +447700900123: repeated (first at line 12)" },
	{ "[map]\n07700900123 = 7001\n", 1, 10,
	    "[map] 07700900123: no international form" },
	{ "[map]\nbob = 7001\n", 1, 10, "[map]: 'bob' is not a number" },
	{ "[map]\n+447700900123 = 0\n", 1, 10,
	    "[map] +447700900123: expected a port" },
	{ "[bearer m]\ntype = gammu\n", 1, 9,
	    "[bearer m]: device is required by type = gammu" },
	{ "[bearer m]\naddress = unix:/x\n", 1, 9,
	    "[bearer m]: type is required (link or gammu)" },
	{ "[bearer m]\ntype = link\n", 2, 9,
	    "[bearer m]: msisdn is required by type = link" },
	{ "[bearer m]\ntype = gammu\ndevice = /dev/ttyUSB0\nsmsc = 0123\n", 1,
	    12, "smsc 0123: no international form" },
	{ "[limits]\nqueue = 0\nrate = fast\njournal_max = -1\nallow = x\n", 4,
	    13, "allow: expected all" },
};

START_TEST(test_errors)
{
	const struct ecase *e = &ecases[_i];
	char text[8192];

	snprintf(text, sizeof(text), "%s%s", GW_BASE, e->text);
	expect_error(text, e->nerr, e->line, e->want);
}
END_TEST

START_TEST(test_error_lines)
{
	struct dconf c;
	char *text, *errs = NULL, want[256];
	size_t len = 10000;
	int n;

	/* A line over the limit is one error; the rest is still read. */
	text = malloc(len + 256);
	ck_assert_ptr_nonnull(text);
	snprintf(text, 256, "%s[limits]\n# ", GW_BASE);
	memset(text + strlen(text), 'x', len);
	snprintf(text + strlen(GW_BASE) + 11 + len, 64, "\nqueue = q\n");
	n = parse_text(&c, text, &errs);
	ck_assert_msg(n == 2, "%d errors:\n%s", n, errs);
	snprintf(want, sizeof(want), "%s:10: line longer than 4095 "
	    "characters", conf_path);
	ck_assert_msg(strstr(errs, want) != NULL, "%s", errs);
	snprintf(want, sizeof(want), "%s:11: queue: expected", conf_path);
	ck_assert_msg(strstr(errs, want) != NULL, "%s", errs);
	free(errs);
	free(text);
	dconf_free(&c);

	/* Every error of a file, each with its line. */
	n = parse_text(&c, GW_BASE "[limits]\nqueue = 0\nrate = fast\n"
	    "journal_max = -1\n[sms]\nport = x\n", &errs);
	ck_assert_int_eq(n, 4);
	ck_assert_ptr_nonnull(strstr(errs, ":10: queue"));
	ck_assert_ptr_nonnull(strstr(errs, ":11: rate"));
	ck_assert_ptr_nonnull(strstr(errs, ":12: journal_max"));
	ck_assert_ptr_nonnull(strstr(errs, ":14: port"));
	free(errs);
	dconf_free(&c);
}
END_TEST

START_TEST(test_whole_file_errors)
{
	struct dconf c;
	char *errs = NULL;
	size_t len;
	FILE *ef;

	expect_error("[upstream]\naddress = 127.0.0.1:5683\n[dtls]\n"
	    "psk_store = /etc/psk\n", 1, 0,
	    "no [bearer NAME] section: at least one bearer is required");
	expect_error("[bearer s]\ntype = link\naddress = unix:/x\n"
	    "msisdn = +447700900001\n[dtls]\npsk_store = /etc/psk\n", 1, 0,
	    "[upstream] address is required by role = gateway");
	expect_error("[smsdtlsd]\nrole = relay\n[bearer s]\ntype = link\n"
	    "address = unix:/x\nmsisdn = +447700900001\n", 1, 2,
	    "[upstream] address is required by role = relay");
	expect_error("[bearer s]\ntype = link\naddress = unix:/x\n"
	    "msisdn = +447700900001\n[upstream]\naddress = 10.0.0.1:5683\n"
	    "[dtls]\nauth = psk\n", 1, 7,
	    "[dtls] psk_store is required by role = gateway with auth = psk");
	expect_error("foo = 1\n" GW_BASE, 1, 1,
	    "'foo = 1' is outside any section");
	/* A misspelt role is one error, not one per key of the role. */
	expect_error("[smsdtlsd]\nrole = brigde\n[sms]\n"
	    "gateway = +447700900001\n[bearer m]\ntype = gammu\n"
	    "device = /dev/ttyUSB2\n[dtls]\npsk_identity = dev-1\n"
	    "psk_key_file = /etc/key\n[bridge]\nlisten = 127.0.0.1:5683\n",
	    1, 2, "role: expected gateway, relay or bridge, not 'brigde'");
	expect_error(GW_BASE "auth = rsa\nkey = /k\n", 1, 9,
	    "auth: expected psk, rpk or x509, not 'rsa'");

	/* A file that cannot be read is one error without a line. */
	dconf_init(&c);
	ef = open_memstream(&errs, &len);
	ck_assert_int_eq(dconf_parse(&c, "/nonexistent/smsdtlsd.conf", ef), 1);
	fclose(ef);
	ck_assert_str_eq(errs, "/nonexistent/smsdtlsd.conf: No such file or "
	    "directory\n");
	free(errs);
	dconf_free(&c);
}
END_TEST

/* ---------------------------------------------------------- the roles */

/* A valid configuration per role and mode; lines marked required each
 * give one "is required" error when left out. */
static const struct rcase {
	const char	*name;
	const char	*lines[24];
	const char	*required[6];	/* keys whose line is left out */
} rcases[] = {
	{ "gateway psk", { "[bearer s]", "type = link",
	    "address = tcp:127.0.0.1:7000", "msisdn = +447700900001",
	    "[upstream]", "address = [::1]:5683", "[dtls]",
	    "psk_store = /etc/psk", NULL },
	    { "address = [::1]:5683", "psk_store = /etc/psk", NULL } },
	{ "gateway rpk", { "[bearer s]", "type = link",
	    "address = unix:/x", "msisdn = +447700900001", "[upstream]",
	    "address = 127.0.0.1:5683", "[dtls]", "auth = rpk",
	    "key = /k.pem", "rpk_pins = /pins.pem", NULL },
	    { "key = /k.pem", "rpk_pins = /pins.pem", NULL } },
	{ "gateway rpk, no client auth", { "[bearer s]", "type = link",
	    "address = unix:/x", "msisdn = +447700900001", "[upstream]",
	    "address = 127.0.0.1:5683", "[dtls]", "auth = rpk",
	    "key = /k.pem", "client_auth = off", NULL },
	    { "key = /k.pem", NULL } },
	{ "gateway x509", { "[bearer s]", "type = link",
	    "address = unix:/x", "msisdn = +447700900001", "[upstream]",
	    "address = 127.0.0.1:5683", "[dtls]", "auth = x509",
	    "key = /k.pem", "cert = /c.pem", "ca = /ca.pem", NULL },
	    { "key = /k.pem", "cert = /c.pem", "ca = /ca.pem", NULL } },
	{ "gateway x509, no client auth", { "[bearer s]", "type = link",
	    "address = unix:/x", "msisdn = +447700900001", "[upstream]",
	    "address = 127.0.0.1:5683", "[dtls]", "auth = x509",
	    "key = /k.pem", "cert = /c.pem", "client_auth = no", NULL },
	    { "key = /k.pem", "cert = /c.pem", NULL } },
	{ "relay", { "[smsdtlsd]", "role = relay", "[sms]", "concat = on",
	    "[bearer m]", "type = gammu", "device = /dev/ttyUSB2",
	    "[upstream]", "address = dtls.example.net:5684",
	    "bind = 192.0.2.7", "[dtls]", "idle_timeout = 2h",
	    "max_sessions = 100000", NULL },
	    { "address = dtls.example.net:5684", "device = /dev/ttyUSB2",
	    NULL } },
	{ "bridge psk", { "[smsdtlsd]", "role = bridge", "[sms]",
	    "gateway = +447700900001", "[bearer m]", "type = gammu",
	    "device = /dev/ttyUSB2", "[dtls]", "psk_identity = dev-1",
	    "psk_key_file = /etc/key", "[bridge]", "listen = 127.0.0.1:5683",
	    NULL },
	    { "gateway = +447700900001", "psk_identity = dev-1",
	    "psk_key_file = /etc/key", NULL } },
	{ "bridge rpk", { "[smsdtlsd]", "role = bridge", "[sms]",
	    "gateway = +447700900001", "[bearer m]", "type = gammu",
	    "device = /dev/ttyUSB2", "[dtls]", "auth = rpk", "key = /k.pem",
	    "rpk_pins = /p.pem", NULL },
	    { "key = /k.pem", "rpk_pins = /p.pem", NULL } },
	{ "bridge x509", { "[smsdtlsd]", "role = bridge", "[sms]",
	    "gateway = +447700900001", "[bearer m]", "type = gammu",
	    "device = /dev/ttyUSB2", "[dtls]", "auth = x509", "ca = /ca.pem",
	    "server_name = gw.example.net", NULL },
	    { "ca = /ca.pem", NULL } },
};

static void
join(char *buf, size_t size, const char *const *lines, const char *skip)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; lines[i] != NULL; i++)
		if (skip == NULL || strcmp(lines[i], skip) != 0) {
			strncat(buf, lines[i], size - strlen(buf) - 1);
			strncat(buf, "\n", size - strlen(buf) - 1);
		}
}

START_TEST(test_roles)
{
	const struct rcase *r = &rcases[_i];
	char text[2048], *errs = NULL, want[128], key[64];
	struct dconf c;
	size_t k;
	int n;

	join(text, sizeof(text), r->lines, NULL);
	n = parse_text(&c, text, &errs);
	ck_assert_msg(n == 0, "%s: %d errors:\n%s", r->name, n, errs);
	free(errs);
	dconf_free(&c);
	for (k = 0; r->required[k] != NULL; k++) {
		join(text, sizeof(text), r->lines, r->required[k]);
		n = parse_text(&c, text, &errs);
		snprintf(key, sizeof(key), "%s", r->required[k]);
		*strchr(key, ' ') = '\0';
		snprintf(want, sizeof(want), "%s is required", key);
		ck_assert_msg(n == 1 && strstr(errs, want) != NULL,
		    "%s without %s: %d errors:\n%s", r->name, key, n, errs);
		free(errs);
		dconf_free(&c);
	}
}
END_TEST

START_TEST(test_role_misfits)
{
	/* The relay terminates no DTLS: credentials are errors. */
	expect_error("[smsdtlsd]\nrole = relay\n[bearer s]\ntype = link\n"
	    "address = unix:/x\nmsisdn = +447700900001\n[upstream]\n"
	    "address = 127.0.0.1:5684\n[dtls]\nauth = psk\n", 1, 10,
	    "auth: not used by role = relay (only by gateway or bridge)");
	expect_error("[smsdtlsd]\nrole = bridge\n[sms]\n"
	    "gateway = +447700900001\n[bearer s]\ntype = link\n"
	    "address = unix:/x\nmsisdn = +447700900002\n[dtls]\n"
	    "psk_identity = a b\npsk_key_file = /k\n[upstream]\n"
	    "address = 127.0.0.1:1\n[map]\n+447700900003 = 7000\n", 3, 10,
	    "psk_identity: expected 1-128 printable characters without "
	    "spaces");
	expect_error("[smsdtlsd]\nrole = bridge\n[sms]\n"
	    "gateway = +447700900001\n[bearer s]\ntype = link\n"
	    "address = unix:/x\nmsisdn = +447700900002\n[dtls]\n"
	    "auth = x509\nca = /ca\nkey = /k\n", 1, 12,
	    "key: a client certificate needs both key and cert");
	expect_error("[smsdtlsd]\nrole = bridge\n[sms]\n"
	    "gateway = +447700900001\n[bearer s]\ntype = link\n"
	    "address = unix:/x\nmsisdn = +447700900002\n[dtls]\n"
	    "psk_identity = a\npsk_key_file = /k\n[upstream]\n"
	    "address = 127.0.0.1:1\n", 1, 12,
	    "[upstream] is not used by role = bridge (only by gateway or "
	    "relay)");
}
END_TEST

/* ---------------------------------------------- numbers, lookups, sms */

START_TEST(test_numbers_and_lookups)
{
	struct smsdtls_sms_config sc;
	struct smsdtls_addr a;
	struct dconf c;

	expect_ok(&c, "[smsdtlsd]\nrole = bridge\n[sms]\ncountry_code = 44\n"
	    "gateway = 07700900001\nstatus_reports = on\n[bearer a]\n"
	    "type = link\naddress = unix:/x\nmsisdn = 00447700900002\n"
	    "status_reports = off\n[bearer b]\ntype = gammu\n"
	    "device = /dev/ttyUSB0\nsmsc = 07785016005\n[dtls]\n"
	    "psk_identity = d\npsk_key_file = /k\n[limits]\n"
	    "allow = +4477009, +4479\n");
	ck_assert_str_eq(c.gateway.text, "+447700900001");
	ck_assert_int_eq(c.gateway.addr.ton, SMSDTLS_TON_INTERNATIONAL);
	ck_assert_str_eq(c.bearers[0].msisdn.text, "+447700900002");
	ck_assert_str_eq(c.bearers[1].smsc.text, "+447785016005");
	ck_assert_str_eq(c.bearers[1].msisdn.text, "");
	/* A bearer's status_reports overrides [sms]'s, else inherits it. */
	ck_assert(!c.bearers[0].status_reports);
	ck_assert(c.bearers[1].status_reports);
	ck_assert_ptr_eq(dconf_bearer_find(&c, "b"), &c.bearers[1]);
	ck_assert_ptr_null(dconf_bearer_find(&c, "c"));

	dconf_sms_config(&c, &c.bearers[0], &sc);
	ck_assert(sc.ports && !sc.status_reports && !sc.concat);
	ck_assert_str_eq(sc.country_code, "44");
	dconf_sms_config(&c, NULL, &sc);
	ck_assert(sc.status_reports);

	ck_assert_uint_eq(c.nallow, 2);
	ck_assert_rc(smsdtls_addr_parse("+447700900123", &a), SMSDTLS_OK);
	ck_assert(dconf_allowed(&c, &a));
	ck_assert_rc(smsdtls_addr_parse("+447912345678", &a), SMSDTLS_OK);
	ck_assert(dconf_allowed(&c, &a));
	ck_assert_rc(smsdtls_addr_parse("+447800900123", &a), SMSDTLS_OK);
	ck_assert(!dconf_allowed(&c, &a));
	ck_assert_rc(smsdtls_addr_parse("07700900123", &a), SMSDTLS_OK);
	ck_assert(!dconf_allowed(&c, &a));
	dconf_free(&c);

	expect_ok(&c, GW_BASE "[sms]\ncountry_code = 49\nwdp = off\n[map]\n"
	    "+447700900125 = 7003\n01701234567 = 7001\n"
	    "+447700900124 = 7002\n");
	ck_assert_uint_eq(c.nmap, 3);
	ck_assert_str_eq(c.map[0].msisdn.text, "+447700900124");
	ck_assert_rc(smsdtls_addr_parse("+491701234567", &a), SMSDTLS_OK);
	ck_assert_ptr_nonnull(dconf_map_by_msisdn(&c, &a));
	ck_assert_uint_eq(dconf_map_by_msisdn(&c, &a)->port, 7001);
	ck_assert_int_eq(dconf_map_by_msisdn(&c, &a)->line, 14);
	ck_assert_rc(smsdtls_addr_parse("+447700900124", &a), SMSDTLS_OK);
	ck_assert_uint_eq(dconf_map_by_msisdn(&c, &a)->port, 7002);
	ck_assert_rc(smsdtls_addr_parse("+447700900126", &a), SMSDTLS_OK);
	ck_assert_ptr_null(dconf_map_by_msisdn(&c, &a));
	ck_assert_str_eq(dconf_map_by_port(&c, 7003)->msisdn.text,
	    "+447700900125");
	ck_assert_ptr_null(dconf_map_by_port(&c, 7004));
	dconf_sms_config(&c, NULL, &sc);
	ck_assert(!sc.ports);
	dconf_free(&c);
}
END_TEST

/* ------------------------------------------------ example and the dump */

static char *
dump_string(const struct dconf *c)
{
	char *buf = NULL;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	dconf_dump(c, fp);
	fclose(fp);
	return buf;
}

/* Parse text, dump it, parse the dump: same dump again. */
static void
round_trip(const char *text, struct dconf *out)
{
	struct dconf c;
	char *d1, *d2;

	expect_ok(&c, text);
	d1 = dump_string(&c);
	expect_ok(out, d1);
	d2 = dump_string(out);
	/* The first line names the file read. */
	ck_assert_str_eq(strchr(d1, '\n'), strchr(d2, '\n'));
	free(d1);
	free(d2);
	dconf_free(&c);
}

START_TEST(test_example)
{
	struct dconf c;
	char *errs = NULL;
	size_t len;
	FILE *ef = open_memstream(&errs, &len);
	int n;

	dconf_init(&c);
	n = dconf_parse(&c, EXAMPLE_CONF, ef);
	fclose(ef);
	ck_assert_msg(n == 0, "%s: %d errors:\n%s", EXAMPLE_CONF, n, errs);
	free(errs);
	ck_assert_int_eq(c.role, DCONF_GATEWAY);
	ck_assert_uint_eq(c.nbearers, 1);
	ck_assert_int_eq(c.bearers[0].type, DCONF_BEARER_LINK);
	ck_assert_str_eq(c.psk_store, "/etc/smsdtlsd/psk");
	ck_assert_str_eq(c.upstream.host, "127.0.0.1");
	ck_assert_uint_eq(c.nmap, 0);
	dconf_free(&c);
}
END_TEST

/* The commented-out keys of the example, uncommented one at a time in
 * the sections and roles they belong to, all parse. */
START_TEST(test_example_keys)
{
	char *text = NULL, line[512], *out;
	struct dconf c;
	size_t len = 0;
	FILE *fp = fopen(EXAMPLE_CONF, "r");
	FILE *mem = open_memstream(&text, &len);
	int n, rates = 0;

	ck_assert_ptr_nonnull(fp);
	/* Keys of [smsdtlsd], [sms] (gateway), [limits], the link bearer and
	 * the psk [dtls] of a gateway: uncomment and parse the lot. */
	while (fgets(line, sizeof(line), fp) != NULL) {
		out = line;
		if (strncmp(line, "#send_rate", 10) == 0 && rates++ > 0) {
			fputs(out, mem);
			continue;
		}
		if (strncmp(line, "#log", 4) == 0 ||
		    strncmp(line, "#metrics = 127", 14) == 0 ||
		    strncmp(line, "#user", 5) == 0 ||
		    strncmp(line, "#wdp", 4) == 0 ||
		    strncmp(line, "#port", 5) == 0 ||
		    strncmp(line, "#country_code", 13) == 0 ||
		    strncmp(line, "#app_validity", 13) == 0 ||
		    strncmp(line, "#send_rate", 10) == 0 ||
		    strncmp(line, "#rto", 4) == 0 ||
		    strncmp(line, "#handshake", 10) == 0 ||
		    strncmp(line, "#idle", 5) == 0 ||
		    strncmp(line, "#park", 5) == 0 ||
		    strncmp(line, "#session_tickets", 16) == 0 ||
		    strncmp(line, "#max_", 5) == 0 ||
		    strncmp(line, "#bind", 5) == 0 ||
		    strncmp(line, "#+44", 4) == 0 ||
		    strncmp(line, "#rate", 5) == 0 ||
		    strncmp(line, "#allow = +", 10) == 0 ||
		    strncmp(line, "#queue", 6) == 0 ||
		    strncmp(line, "#journal_max", 12) == 0)
			out = line + 1;
		fputs(out, mem);
	}
	fclose(fp);
	fclose(mem);
	n = parse_text(&c, text, &out);
	ck_assert_msg(n == 0, "%d errors:\n%s", n, out);
	ck_assert_str_eq(c.user, "_smsdtlsd");
	ck_assert_str_eq(c.metrics.host, "127.0.0.1");
	ck_assert_uint_eq(c.nmap, 1);
	ck_assert_uint_eq(c.nallow, 2);
	free(out);
	free(text);
	dconf_free(&c);
}
END_TEST

START_TEST(test_dump_round_trip)
{
	struct dconf c;
	char *text = NULL;
	size_t len;
	FILE *fp;
	int ch;

	/* The example. */
	fp = fopen(EXAMPLE_CONF, "r");
	ck_assert_ptr_nonnull(fp);
	{
		FILE *mem = open_memstream(&text, &len);

		while ((ch = getc(fp)) != EOF)
			putc(ch, mem);
		fclose(mem);
	}
	fclose(fp);
	round_trip(text, &c);
	free(text);
	dconf_free(&c);

	/* A gateway with every key it uses away from its default. */
	round_trip("[smsdtlsd]\nstate_dir = /srv/s\nuser = smsd\nlog = syslog\n"
	    "log_level = debug\nmetrics = [::1]:9100\n[sms]\nport = 6000\n"
	    "country_code = 1\nstatus_reports = yes\napp_validity = 90m\n"
	    "[bearer a]\ntype = link\naddress = tcp:[::1]:7000\n"
	    "msisdn = +15551230001\nsend_rate = 10/min\n"
	    "[bearer b-2]\ntype = gammu\ndevice = /dev/ttyACM0\n"
	    "connection = at19200\npin_file = /etc/pin\nsmsc = 05551234567\n"
	    "send_rate = 100/h\npoll_interval = 10s\ncall_timeout = 2m\n"
	    "probe_interval = 1d\nreset_hook = /bin/reset --hard  usb 1-1\n"
	    "status_reports = no\n[dtls]\nauth = x509\nkey = /k\ncert = /c\n"
	    "ca = /ca\nclient_auth = off\nrto_initial = 1500ms\n"
	    "rto_max = 2m\nrto_learn = on\nhandshake_timeout = 1h\n"
	    "idle_timeout = 0\n"
	    "park_after = 0\nsession_tickets = on\nmax_sessions = 1000000\n"
	    "max_half_open = 1000\n[upstream]\naddress = coap.example.net:5683"
	    "\nbind = 10.1.2.3\n[map]\n+15551230099 = 9001\n"
	    "+15551230098 = 9000\n[limits]\nrate = 2/s\n"
	    "allow = +1555, +1666\nqueue = 3\njournal_max = 7\n", &c);
	ck_assert_int_eq(c.log, DCONF_LOG_SYSLOG);
	ck_assert_int_eq(c.log_level, SMSDTLS_LOG_DEBUG);
	ck_assert_str_eq(c.metrics.host, "::1");
	ck_assert_str_eq(c.bearers[0].address.hp.host, "::1");
	ck_assert_str_eq(c.bearers[1].smsc.text, "+15551234567");
	ck_assert_str_eq(c.bearers[1].reset_hook, "/bin/reset --hard  usb 1-1");
	ck_assert_int_eq(c.bearers[1].call_timeout_ms, 120000);
	ck_assert(!c.bearers[1].status_reports);
	ck_assert(c.bearers[0].status_reports);
	ck_assert(c.bearers[1].send_rate.per_s * 3600 == 100);
	ck_assert_int_eq(c.rto_initial_ms, 1500);
	ck_assert(c.rto_learn);
	ck_assert_int_eq(c.idle_timeout_ms, 0);
	ck_assert(!c.client_auth && c.session_tickets);
	ck_assert_uint_eq(c.max_sessions, 1000000);
	ck_assert_str_eq(c.bind, "10.1.2.3");
	ck_assert_uint_eq(c.nmap, 2);
	ck_assert_str_eq(c.map[0].msisdn.text, "+15551230098");
	ck_assert_str_eq(c.allow[1], "+1666");
	ck_assert_uint_eq(c.journal_max, 7);
	dconf_free(&c);

	/* A bridge and a relay. */
	round_trip("[smsdtlsd]\nrole = bridge\n[sms]\nwdp = off\n"
	    "gateway = +447700900001\n[bearer m]\ntype = gammu\n"
	    "device = /dev/ttyUSB2\n[dtls]\nauth = x509\nca = /ca\n"
	    "cert = /c\nkey = /k\nserver_name = gw.example.net\n[bridge]\n"
	    "listen = 0.0.0.0:6000\n[limits]\nqueue = 100\n", &c);
	ck_assert(!c.wdp);
	ck_assert_str_eq(c.server_name, "gw.example.net");
	ck_assert_uint_eq(c.listen.port, 6000);
	dconf_free(&c);
	round_trip("[smsdtlsd]\nrole = relay\n[sms]\nconcat = on\n"
	    "[bearer m]\ntype = link\naddress = unix:/x\n"
	    "msisdn = +447700900001\n[dtls]\nidle_timeout = 1d\n"
	    "[upstream]\naddress = 192.0.2.1:5684\n", &c);
	ck_assert(c.concat);
	ck_assert_int_eq(c.idle_timeout_ms, 86400000);
	dconf_free(&c);
}
END_TEST

/* ---------------------------------------------------------- credentials */

static void
copy_file(const char *from, const char *to, mode_t mode)
{
	uint8_t *buf;
	size_t len;
	FILE *fp;

	ck_assert_rc(smsdtls_read_file(from, &buf, &len, NULL, 0), SMSDTLS_OK);
	fp = fopen(to, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(to, mode), 0);
	free(buf);
}

/* The endpoint the configuration in text makes: it must be created. */
static smsdtls_rc
endpoint_from(const char *text, char *err, size_t errlen)
{
	struct smsdtls_endpoint *ep = NULL;
	struct smsdtls_transport t;
	struct smsdtls_config cfg;
	struct dconf_creds creds;
	struct smsdtls_mem *mem;
	struct dconf c;
	smsdtls_rc rc;

	expect_ok(&c, text);
	err[0] = '\0';
	rc = dconf_endpoint_config(&c, &cfg, &creds, err, errlen);
	if (rc == SMSDTLS_OK) {
		ck_assert_rc(smsdtls_mem_new(140, 8, &mem), SMSDTLS_OK);
		smsdtls_mem_transport(mem, &t);
		ck_assert_rc(smsdtls_endpoint_new(&cfg, &t, NULL, NULL, &ep),
		    SMSDTLS_OK);
		ck_assert_int_eq(cfg.role, c.role == DCONF_GATEWAY ?
		    SMSDTLS_SERVER : SMSDTLS_CLIENT);
		ck_assert_uint_eq(cfg.rto_initial_ms, c.rto_initial_ms);
		ck_assert(cfg.rto_learn == c.rto_learn);
		ck_assert_uint_eq(cfg.app_validity_s, c.app_validity_ms / 1000);
		smsdtls_endpoint_free(ep);
		smsdtls_mem_free(mem);
		dconf_creds_free(&creds);
	} else
		ck_assert_ptr_null(creds.psk_store);
	dconf_free(&c);
	return rc;
}

#define GW_HEAD								\
	"[bearer s]\ntype = link\naddress = unix:/x\n"			\
	"msisdn = +447700900001\n[upstream]\naddress = 127.0.0.1:1\n"	\
	"[dtls]\n"
#define BR_HEAD								\
	"[smsdtlsd]\nrole = bridge\n[sms]\ngateway = +447700900001\n"	\
	"[bearer s]\ntype = link\naddress = unix:/x\n"			\
	"msisdn = +447700900002\n[dtls]\n"

START_TEST(test_credentials)
{
	char text[2048], err[512], p1[128], p2[128];
	struct smsdtls_config cfg;
	struct dconf_creds creds;
	struct dconf c;

	/* Gateway, PSK: the store, private. */
	snprintf(p1, sizeof(p1), "%s/psk", dir);
	write_file(p1, "# devices\ndev-1 00112233445566778899aabbccddeeff\n",
	    0600);
	snprintf(text, sizeof(text), GW_HEAD "psk_store = %s\n", p1);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_OK);
	expect_ok(&c, text);
	ck_assert_rc(dconf_endpoint_config(&c, &cfg, &creds, err,
	    sizeof(err)), SMSDTLS_OK);
	ck_assert_uint_eq(smsdtls_psk_store_count(creds.psk_store), 1);
	ck_assert_ptr_eq(cfg.psk_store, creds.psk_store);
	dconf_creds_free(&creds);
	dconf_free(&c);
	ck_assert_int_eq(chmod(p1, 0644), 0);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_msg(strstr(err, "[dtls] psk_store ") != NULL &&
	    strstr(err, "0644") != NULL, "%s", err);

	/* Bridge, PSK: identity and key file in hex. */
	snprintf(p2, sizeof(p2), "%s/key", dir);
	write_file(p2, "0011 2233\n4455 6677\n", 0600);
	snprintf(text, sizeof(text), BR_HEAD "psk_identity = dev-1\n"
	    "psk_key_file = %s\n", p2);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_OK);
	expect_ok(&c, text);
	ck_assert_rc(dconf_endpoint_config(&c, &cfg, &creds, err,
	    sizeof(err)), SMSDTLS_OK);
	ck_assert_uint_eq(cfg.psk_key_len, 8);
	ck_assert_mem_eq(cfg.psk_key, "\x00\x11\x22\x33\x44\x55\x66\x77", 8);
	ck_assert_str_eq(cfg.psk_identity, "dev-1");
	dconf_creds_free(&creds);
	dconf_free(&c);
	write_file(p2, "0011zz\n", 0600);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_msg(strstr(err, "not a key in hex") != NULL, "%s", err);
	write_file(p2, "001\n", 0600);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_msg(strstr(err, "odd number") != NULL, "%s", err);
	write_file(p2, "\n", 0600);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_msg(strstr(err, "no key") != NULL, "%s", err);

	/* Gateway, RPK: key (private) and pins. */
	snprintf(p1, sizeof(p1), "%s/server.key", dir);
	copy_file(TEST_DATA_DIR "/server.key", p1, 0600);
	snprintf(text, sizeof(text), GW_HEAD "auth = rpk\nkey = %s\n"
	    "rpk_pins = " TEST_DATA_DIR "/pins.pem\n", p1);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_OK);
	ck_assert_int_eq(chmod(p1, 0640), 0);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_msg(strstr(err, "[dtls] key ") != NULL &&
	    strstr(err, "mode 0640") != NULL, "%s", err);
	ck_assert_int_eq(chmod(p1, 0600), 0);

	/* Gateway, X.509: key, chain, trust anchors. */
	snprintf(text, sizeof(text), GW_HEAD "auth = x509\nkey = %s\n"
	    "cert = " TEST_DATA_DIR "/server-chain.pem\n"
	    "ca = " TEST_DATA_DIR "/ca-root.pem\n", p1);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_OK);
	snprintf(text, sizeof(text), GW_HEAD "auth = x509\nkey = %s\n"
	    "cert = %s/missing.pem\nca = " TEST_DATA_DIR "/ca-root.pem\n", p1,
	    dir);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_msg(strstr(err, "[dtls] cert ") != NULL &&
	    strstr(err, "missing.pem") != NULL, "%s", err);

	/* Bridge, X.509 with a DER client key. */
	snprintf(p2, sizeof(p2), "%s/client.der", dir);
	copy_file(TEST_DATA_DIR "/client.key.der", p2, 0600);
	snprintf(text, sizeof(text), BR_HEAD "auth = x509\nkey = %s\n"
	    "cert = " TEST_DATA_DIR "/client-chain.pem\n"
	    "ca = " TEST_DATA_DIR "/ca-root.pem\nserver_name = gw\n", p2);
	ck_assert_rc(endpoint_from(text, err, sizeof(err)), SMSDTLS_OK);

	/* The relay has no endpoint. */
	expect_ok(&c, "[smsdtlsd]\nrole = relay\n[bearer s]\ntype = link\n"
	    "address = unix:/x\nmsisdn = +447700900001\n[upstream]\n"
	    "address = 127.0.0.1:1\n");
	ck_assert_rc(dconf_endpoint_config(&c, &cfg, &creds, err,
	    sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_msg(strstr(err, "relay") != NULL, "%s", err);
	dconf_free(&c);
}
END_TEST

static Suite *
dconf_suite(void)
{
	Suite *s = suite_create("dconf");
	TCase *tc;

	tc = tcase_create("values");
	tcase_add_test(tc, test_durations);
	tcase_add_test(tc, test_rates_bools_hosts);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_errors, 0,
	    (int)(sizeof(ecases) / sizeof(ecases[0])));
	tcase_add_test(tc, test_error_lines);
	tcase_add_test(tc, test_whole_file_errors);
	tcase_add_loop_test(tc, test_roles, 0,
	    (int)(sizeof(rcases) / sizeof(rcases[0])));
	tcase_add_test(tc, test_role_misfits);
	tcase_add_test(tc, test_numbers_and_lookups);
	suite_add_tcase(s, tc);

	tc = tcase_create("example");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_example_keys);
	tcase_add_test(tc, test_dump_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("credentials");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_credentials);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(dconf_suite)

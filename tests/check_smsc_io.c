/*
 * check_smsc_io.c - tests of the simulated SMSC's input and output: the
 * socket link's codec and connection (smsc/link.c), the pcapng writer
 * (smsc/pcap.c) checked by decoding its files with tshark, the
 * configuration file (smsc/conf.c, through smsdtls-smsc -n), and the
 * smsdtls-smsc program end to end: link clients on a Unix socket, an AT
 * modem on a pty, SIGTERM.  TPDUs are the worked examples of
 * shared/sms-wire-formats.md section 9 (3GPP TS 23.040 9.2.2).
 *
 * tshark (Debian package tshark) is a declared test dependency: without
 * it the pcap tests fail and say so.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "smsc/link.h"
#include "smsc/pcap.h"
#include "smsc/smsc.h"

#ifndef SMSC_PROGRAM
#error SMSC_PROGRAM must name the smsdtls-smsc binary
#endif

#define MSISDN_A	"+447700900456"
#define MSISDN_B	"+447700900123"
#define MSISDN_C	"+447700900789"

/* Worked example (a), the SMS-SUBMIT from A to B with ports 5684 and
 * 49152, and (b), the SMS-DELIVER it becomes at B (no SMSC prefix). */
#define EX_SUBMIT	"69000C91447700091032000402140000000000" \
			"110605041634C0000102030405060708090A"
#define EX_DELIVER	"640C914477000940650004423051410354401106" \
			"05041634C0000102030405060708090A"
#define EX_EPOCH	1710509445	/* 2024-03-15T13:30:45Z */
#define EX_TZ		4		/* +01:00 */

#define WAIT_MS		5000

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];
static pid_t server_pid = -1;

static void
cleanup(void)
{
	char cmd[128];
	int status;

	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, &status, 0);
		server_pid = -1;
	}
	if (tmpdir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
		tmpdir[0] = '\0';
	}
}

/* A fresh temporary directory, removed when the test passes.  A failed
 * assertion ends the test process with _exit() (Check's fork mode), so
 * the directory stays, with the server's output, for the post-mortem;
 * the server itself gets SIGTERM when the test process dies. */
static void
tmp_setup(void)
{
	static bool registered;

	cleanup();		/* the previous test's, with CK_FORK=no */
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_smsc_io.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	if (!registered)
		atexit(cleanup);
	registered = true;
}

static const char *
tmp_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The whole file as a string (static buffer). */
static const char *
read_file(const char *path)
{
	static char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run argv (NULL-terminated) to completion with stdout and stderr in
 * files; returns the exit status (-1 if killed). */
static int
run(char *const argv[], const char *out, const char *err)
{
	pid_t pid;
	int status, fd;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Start smsdtls-smsc in the foreground with argv[1..]; it gets SIGTERM
 * if this test process dies. */
static pid_t
spawn(char *const argv[], const char *out, const char *err)
{
	pid_t pid;
	int fd;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	server_pid = pid;
	return pid;
}

/* SIGTERM the server and wait (bounded) for it; returns its status. */
static int
stop_server(int sig)
{
	int64_t until = mono_ms() + WAIT_MS;
	int status;
	pid_t r;

	ck_assert_int_gt(server_pid, 0);
	kill(server_pid, sig);
	while ((r = waitpid(server_pid, &status, WNOHANG)) == 0 &&
	    mono_ms() < until)
		usleep(10000);
	ck_assert_msg(r == server_pid, "smsdtls-smsc did not exit in %d ms",
	    WAIT_MS);
	server_pid = -1;
	ck_assert_msg(WIFEXITED(status), "smsdtls-smsc died of signal %d",
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

/* Find tshark in PATH, or fail the test saying what to install. */
static const char *
tshark_path(void)
{
	static char found[512];
	const char *path = getenv("PATH");
	char dirs[4096], *dir, *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s", path != NULL ? path :
	    "/usr/bin:/bin");
	for (dir = strtok_r(dirs, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		snprintf(found, sizeof(found), "%s/tshark", dir);
		if (access(found, X_OK) == 0)
			return found;
	}
	ck_abort_msg("tshark not found in PATH: it is a test dependency, "
	    "install the Debian package tshark (./bootstrap deps does)");
	return NULL;
}

/* tshark's output for file with extra arguments, as one string. */
static const char *
tshark(const char *file, const char *args)
{
	static char out[65536];
	char cmd[2048], errf[256];
	FILE *fp;
	size_t n;
	int rc;

	tmp_path("tshark.err", errf, sizeof(errf));
	snprintf(cmd, sizeof(cmd), "'%s' -r '%s' %s 2>'%s'", tshark_path(),
	    file, args, errf);
	fp = popen(cmd, "r");
	ck_assert_ptr_nonnull(fp);
	n = fread(out, 1, sizeof(out) - 1, fp);
	out[n] = '\0';
	rc = pclose(fp);
	ck_assert_msg(rc == 0, "%s: exit %d: %s", cmd, rc, read_file(errf));
	return out;
}

/* Assert that text holds line as a whole line. */
static void
assert_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return;
		p++;
	}
	ck_abort_msg("no line \"%s\" in:\n%s", line, text);
}

/* ------------------------------------------------------ link: codec */

static const uint8_t submit_hdr_ex[] = { 0x00, 0x26, LINK_SUBMIT };

/* A message of each type, all fields at interesting values. */
static size_t
sample_msgs(struct link_msg *v)
{
	size_t n = 0;

	memset(v, 0, 8 * sizeof(*v));
	v[n].type = LINK_HELLO;
	v[n].version = LINK_VERSION;
	strcpy(v[n++].msisdn, MSISDN_A);
	v[n].type = LINK_WELCOME;
	v[n].version = 7;
	strcpy(v[n++].msisdn, "07700900123*#abc");
	v[n].type = LINK_SUBMIT;
	v[n].tpdu_len = test_unhex(EX_SUBMIT, v[n].tpdu, LINK_TPDU_MAX);
	n++;
	v[n].type = LINK_SUBMITTED;
	v[n++].mr = 255;
	v[n].type = LINK_REFUSED;
	v[n++].code = 331;
	v[n].type = LINK_DELIVER;
	memset(v[n].tpdu, 0xa5, LINK_TPDU_MAX);
	v[n++].tpdu_len = LINK_TPDU_MAX;
	v[n].type = LINK_REPORT;
	v[n++].tpdu_len = 1;
	v[n].type = LINK_ERROR;
	v[n].code = LINK_ERR_BUSY;
	memset(v[n].text, 'x', LINK_TEXT_MAX);
	n++;
	return n;
}

START_TEST(test_link_hello_bytes)
{
	static const uint8_t want[] = { 0x00, 0x0f, 0x01, 0x01, '+', '4',
	    '4', '7', '7', '0', '0', '9', '0', '0', '4', '5', '6' };
	uint8_t buf[LINK_FRAME_MAX], tpdu[LINK_TPDU_MAX];
	struct link_msg m, d;
	size_t len, used;

	memset(&m, 0, sizeof(m));
	m.type = LINK_HELLO;
	m.version = LINK_VERSION;
	strcpy(m.msisdn, MSISDN_A);
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));

	/* SUBMIT: length 0x0026 = type + 37 octets of TPDU. */
	memset(&m, 0, sizeof(m));
	m.type = LINK_SUBMIT;
	m.tpdu_len = test_unhex(EX_SUBMIT, m.tpdu, sizeof(m.tpdu));
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_OK);
	ck_assert_uint_eq(len, 3 + 37);
	ck_assert_mem_eq(buf, submit_hdr_ex, 3);
	ck_assert_uint_eq(test_unhex(EX_SUBMIT, tpdu, sizeof(tpdu)), 37);
	ck_assert_mem_eq(buf + 3, tpdu, 37);
	ck_assert_rc(link_decode(buf, len, &d, &used), SMSDTLS_OK);
	ck_assert_uint_eq(used, len);
	ck_assert_uint_eq(d.type, LINK_SUBMIT);
	ck_assert_uint_eq(d.tpdu_len, 37);
	ck_assert_mem_eq(d.tpdu, tpdu, 37);
}
END_TEST

START_TEST(test_link_round_trip)
{
	struct link_msg v[8], d;
	uint8_t buf[LINK_FRAME_MAX], again[LINK_FRAME_MAX];
	size_t n, i, len, len2, used;

	n = sample_msgs(v);
	for (i = 0; i < n; i++) {
		ck_assert_rc(link_encode(&v[i], buf, sizeof(buf), &len),
		    SMSDTLS_OK);
		ck_assert_uint_eq((size_t)(buf[0] << 8 | buf[1]) + 2, len);
		ck_assert_uint_eq(buf[2], v[i].type);
		ck_assert_rc(link_decode(buf, len, &d, &used), SMSDTLS_OK);
		ck_assert_uint_eq(used, len);
		ck_assert_uint_eq(d.type, v[i].type);
		ck_assert_uint_eq(d.version, v[i].version);
		ck_assert_str_eq(d.msisdn, v[i].msisdn);
		ck_assert_uint_eq(d.mr, v[i].mr);
		ck_assert_uint_eq(d.code, v[i].code);
		ck_assert_str_eq(d.text, v[i].text);
		ck_assert_uint_eq(d.tpdu_len, v[i].tpdu_len);
		ck_assert_mem_eq(d.tpdu, v[i].tpdu, d.tpdu_len);
		ck_assert_rc(link_encode(&d, again, sizeof(again), &len2),
		    SMSDTLS_OK);
		ck_assert_uint_eq(len2, len);
		ck_assert_mem_eq(again, buf, len);
		/* Too small an output buffer, by one. */
		ck_assert_rc(link_encode(&v[i], buf, len - 1, &len2),
		    SMSDTLS_ETOOBIG);
	}
}
END_TEST

/* Every proper prefix of every frame asks for more, reading no further
 * than its length (the copy is exactly that long, for ASan). */
START_TEST(test_link_truncations)
{
	struct link_msg v[8], d;
	uint8_t buf[LINK_FRAME_MAX], *cut;
	size_t n, i, k, len, used;

	n = sample_msgs(v);
	for (i = 0; i < n; i++) {
		ck_assert_rc(link_encode(&v[i], buf, sizeof(buf), &len),
		    SMSDTLS_OK);
		for (k = 0; k < len; k++) {
			cut = malloc(k > 0 ? k : 1);
			memcpy(cut, buf, k);
			ck_assert_rc(link_decode(cut, k, &d, &used),
			    SMSDTLS_AGAIN);
			free(cut);
		}
		/* Two frames back to back: the first is taken alone. */
		memcpy(buf + len, buf, len);
		ck_assert_rc(link_decode(buf, 2 * len, &d, &used),
		    SMSDTLS_OK);
		ck_assert_uint_eq(used, len);
	}
}
END_TEST

struct bad_frame {
	const char *hex;
	smsdtls_rc rc;
};

static const struct bad_frame bad_frames[] = {
	{ "0000", SMSDTLS_ETOOBIG },			/* no type */
	{ "01FF02", SMSDTLS_ETOOBIG },			/* 513 > max */
	{ "FFFF", SMSDTLS_ETOOBIG },
	{ "000103", SMSDTLS_EPROTO },			/* unknown type */
	{ "000100", SMSDTLS_EPROTO },
	{ "000201FF", SMSDTLS_EPROTO },			/* no MSISDN */
	{ "00030100" "31", SMSDTLS_EPROTO },		/* version 0 */
	{ "0003" "01" "01" "2B", SMSDTLS_EPROTO },	/* "+" alone */
	{ "0004" "01" "01" "3100", SMSDTLS_EPROTO },	/* NUL */
	{ "0004" "01" "01" "3178", SMSDTLS_EPROTO },	/* 'x' */
	{ "0004" "01" "01" "312B", SMSDTLS_EPROTO },	/* '+' inside */
	{ "0018" "01" "01" "2B" "313131313131313131313131313131313131313131",
	    SMSDTLS_EPROTO },				/* 21 digits */
	{ "0001" "02", SMSDTLS_EPROTO },		/* empty SUBMIT */
	{ "0001" "84", SMSDTLS_EPROTO },		/* empty DELIVER */
	{ "0001" "82", SMSDTLS_EPROTO },		/* SUBMITTED, no MR */
	{ "0003" "82" "0102", SMSDTLS_EPROTO },
	{ "0002" "83" "01", SMSDTLS_EPROTO },		/* 1 octet */
	{ "0004" "83" "010203", SMSDTLS_EPROTO },
	{ "0002" "86" "00", SMSDTLS_EPROTO },		/* 1 octet */
	{ "0004" "86" "00010A", SMSDTLS_EPROTO },	/* newline */
	{ "0004" "86" "000180", SMSDTLS_EPROTO },	/* not ASCII */
	{ "0003" "81" "0131", SMSDTLS_OK },		/* control: fine */
	{ "0003" "86" "0001", SMSDTLS_OK }		/* no reason: fine */
};

START_TEST(test_link_malformed)
{
	const struct bad_frame *b = &bad_frames[_i];
	uint8_t buf[LINK_FRAME_MAX];
	struct link_msg d;
	size_t len, used = 99;

	len = test_unhex(b->hex, buf, sizeof(buf));
	ck_assert_rc(link_decode(buf, len, &d, &used), b->rc);
	if (b->rc != SMSDTLS_OK)
		ck_assert_uint_eq(used, 99);	/* untouched on error */
}
END_TEST

START_TEST(test_link_long_frames)
{
	uint8_t buf[LINK_FRAME_MAX + 8];
	struct link_msg d;
	size_t used;

	/* The largest frame length is accepted, the next is not. */
	memset(buf, 'a', sizeof(buf));
	buf[0] = (LINK_FRAME_MAX - 2) >> 8;
	buf[1] = (LINK_FRAME_MAX - 2) & 0xff;
	buf[2] = LINK_SUBMIT;
	ck_assert_rc(link_decode(buf, LINK_FRAME_MAX - 1, &d, &used),
	    SMSDTLS_AGAIN);
	ck_assert_rc(link_decode(buf, LINK_FRAME_MAX, &d, &used),
	    SMSDTLS_EPROTO);		/* SUBMIT over 164 octets */
	buf[1]++;
	ck_assert_rc(link_decode(buf, sizeof(buf), &d, &used),
	    SMSDTLS_ETOOBIG);
	/* 164 octets is the longest SUBMIT, 165 too long. */
	buf[0] = 0;
	buf[1] = 165;
	ck_assert_rc(link_decode(buf, 167, &d, &used), SMSDTLS_OK);
	ck_assert_uint_eq(d.tpdu_len, 164);
	buf[1] = 166;
	ck_assert_rc(link_decode(buf, 168, &d, &used), SMSDTLS_EPROTO);
}
END_TEST

START_TEST(test_link_encode_invalid)
{
	struct link_msg m;
	uint8_t buf[LINK_FRAME_MAX];
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = 0x03;
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	m.type = LINK_HELLO;
	m.version = 1;
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	strcpy(m.msisdn, "+44 77");
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	strcpy(m.msisdn, "+4477");
	m.version = 0;
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	m.type = LINK_SUBMIT;
	m.tpdu_len = 0;
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	m.tpdu_len = LINK_TPDU_MAX + 1;
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	m.type = LINK_ERROR;
	strcpy(m.text, "tab\there");
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
}
END_TEST

/* Random input never crashes the decoder, never claims more than it
 * was given, and what it accepts encodes back to the same octets. */
START_TEST(test_link_fuzz)
{
	uint8_t *buf, again[LINK_FRAME_MAX];
	uint64_t seed = 0x5eedULL;
	struct link_msg d;
	size_t len, used, len2, i, k, ok = 0;
	static const uint8_t types[] = { 0x01, 0x02, 0x81, 0x82, 0x83, 0x84,
	    0x85, 0x86, 0x00, 0xff };

	for (i = 0; i < 200000; i++) {
		len = test_rand(&seed) % 40;
		if (i % 8 == 0)
			len = test_rand(&seed) % 600;
		buf = malloc(len > 0 ? len : 1);
		for (k = 0; k < len; k++)
			buf[k] = (uint8_t)test_rand(&seed);
		/* Plausible headers most of the time. */
		if (len >= 3 && i % 4 != 0) {
			buf[0] = 0;
			buf[1] = (uint8_t)(test_rand(&seed) % (len - 1));
			buf[2] = types[test_rand(&seed) % sizeof(types)];
			if (buf[2] == 0x01 || buf[2] == 0x81) {
				for (k = 4; k < len; k++)
					buf[k] = (uint8_t)('0' + buf[k] % 10);
			}
		}
		if (link_decode(buf, len, &d, &used) == SMSDTLS_OK) {
			ok++;
			ck_assert_uint_le(used, len);
			ck_assert_rc(link_encode(&d, again, sizeof(again),
			    &len2), SMSDTLS_OK);
			ck_assert_uint_eq(len2, used);
			ck_assert_mem_eq(again, buf, used);
		}
		free(buf);
	}
	ck_assert_uint_gt(ok, 1000);	/* inputs reach the decoder */
}
END_TEST

/* ------------------------------------------------- link: connection */

struct peer {
	uint8_t	out[8192];
	size_t	outlen;
	struct smsc_station *st;
	bool	busy;
	int	detached;
	struct link_conn *conn;
};

static struct smsc *sc;
static struct peer pa, pb;

static void
peer_write(void *arg, const uint8_t *data, size_t len)
{
	struct peer *p = arg;

	ck_assert_uint_le(p->outlen + len, sizeof(p->out));
	memcpy(p->out + p->outlen, data, len);
	p->outlen += len;
}

static struct smsc_station *
peer_attach(void *arg, struct link_conn *c, const char *msisdn,
    uint16_t *code)
{
	struct peer *p = arg;
	struct smsc_station *st = smsc_station_find(sc, msisdn);

	(void)c;
	if (st == NULL) {
		*code = LINK_ERR_UNKNOWN;
		return NULL;
	}
	if (p->busy) {
		*code = LINK_ERR_BUSY;
		return NULL;
	}
	return p->st = st;
}

static void
peer_detach(void *arg, struct link_conn *c, struct smsc_station *st)
{
	struct peer *p = arg;

	ck_assert_ptr_eq(c, p->conn);
	ck_assert_ptr_eq(st, p->st);
	p->detached++;
}

static const struct link_host peer_host = { peer_write, peer_attach,
    peer_detach };

/* The next frame the connection wrote to p, taken off its buffer. */
static void
peer_next(struct peer *p, struct link_msg *m)
{
	size_t used;

	ck_assert_rc(link_decode(p->out, p->outlen, m, &used), SMSDTLS_OK);
	memmove(p->out, p->out + used, p->outlen - used);
	p->outlen -= used;
}

static void
conn_deliver_cb(struct smsc *s, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	struct peer *p = arg;

	(void)s;
	(void)st;
	(void)now;
	link_conn_deliver(p->conn, type, tpdu, len);
}

static void
conn_setup(void)
{
	struct smsc_conf conf;
	struct smsc_station *st;

	smsc_conf_default(&conf);
	memcpy(conf.country_code, "44", 3);
	conf.epoch = EX_EPOCH;
	conf.tz = EX_TZ;
	ck_assert_rc(smsc_new(&conf, &sc), SMSDTLS_OK);
	memset(&pa, 0, sizeof(pa));
	memset(&pb, 0, sizeof(pb));
	ck_assert_rc(smsc_station_add(sc, MSISDN_A, conn_deliver_cb, &pa,
	    &st), SMSDTLS_OK);
	ck_assert_rc(smsc_station_add(sc, MSISDN_B, conn_deliver_cb, &pb,
	    &st), SMSDTLS_OK);
	ck_assert_rc(link_conn_new(sc, &peer_host, &pa, &pa.conn),
	    SMSDTLS_OK);
	ck_assert_rc(link_conn_new(sc, &peer_host, &pb, &pb.conn),
	    SMSDTLS_OK);
}

static void
conn_teardown(void)
{
	link_conn_free(pa.conn);
	link_conn_free(pb.conn);
	smsc_free(sc);
}

static size_t
frame(uint8_t type, const char *payload_hex, uint8_t *buf)
{
	size_t n = test_unhex(payload_hex, buf + 3, LINK_FRAME_MAX - 3);

	buf[0] = (uint8_t)((n + 1) >> 8);
	buf[1] = (uint8_t)(n + 1);
	buf[2] = type;
	return n + 3;
}

static void
hello(struct peer *p, const char *msisdn)
{
	struct link_msg m;
	uint8_t buf[LINK_FRAME_MAX];
	size_t len, i;

	memset(&m, 0, sizeof(m));
	m.type = LINK_HELLO;
	m.version = LINK_VERSION;
	strcpy(m.msisdn, msisdn);
	ck_assert_rc(link_encode(&m, buf, sizeof(buf), &len), SMSDTLS_OK);
	for (i = 0; i < len; i++)	/* one octet at a time */
		link_conn_input(p->conn, buf + i, 1, 0);
}

START_TEST(test_conn_submit_deliver)
{
	uint8_t buf[2 * LINK_FRAME_MAX], want[SMSDTLS_PDU_MAX];
	struct link_msg m;
	size_t len, wlen;

	hello(&pa, MSISDN_A);
	peer_next(&pa, &m);
	ck_assert_uint_eq(m.type, LINK_WELCOME);
	ck_assert_uint_eq(m.version, LINK_VERSION);
	ck_assert_str_eq(m.msisdn, MSISDN_A);
	ck_assert_ptr_eq(link_conn_station(pa.conn), pa.st);
	hello(&pb, "07700900123");		/* national form */
	peer_next(&pb, &m);
	ck_assert_str_eq(m.msisdn, MSISDN_B);	/* canonical */

	/* Two SUBMITs in one chunk: two answers, in order. */
	len = frame(LINK_SUBMIT, EX_SUBMIT, buf);
	len += frame(LINK_SUBMIT, "0102", buf + len);
	link_conn_input(pa.conn, buf, len, 0);
	peer_next(&pa, &m);
	ck_assert_uint_eq(m.type, LINK_SUBMITTED);
	ck_assert_uint_eq(m.mr, 0);
	peer_next(&pa, &m);
	ck_assert_uint_eq(m.type, LINK_REFUSED);
	ck_assert_uint_eq(m.code, SMSC_CMS_PDU_INVALID);
	ck_assert_uint_eq(pa.outlen, 0);
	ck_assert(!link_conn_closing(pa.conn));

	/* The core delivers at its deadline: B gets example (b). */
	ck_assert_uint_eq(pb.outlen, 0);
	smsc_run(sc, 0);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.type, LINK_DELIVER);
	wlen = test_unhex(EX_DELIVER, want, sizeof(want));
	ck_assert_uint_eq(m.tpdu_len, wlen);
	ck_assert_mem_eq(m.tpdu, want, wlen);
	peer_next(&pa, &m);		/* SRR was set */
	ck_assert_uint_eq(m.type, LINK_REPORT);
	ck_assert_uint_eq(m.tpdu[0] & 0x03, 0x02);
	ck_assert_uint_eq(m.tpdu[1], 0);	/* TP-MR */
}
END_TEST

START_TEST(test_conn_errors)
{
	uint8_t buf[LINK_FRAME_MAX];
	struct link_msg m;
	size_t len;

	/* SUBMIT before HELLO. */
	len = frame(LINK_SUBMIT, EX_SUBMIT, buf);
	link_conn_input(pa.conn, buf, len, 0);
	peer_next(&pa, &m);
	ck_assert_uint_eq(m.type, LINK_ERROR);
	ck_assert_uint_eq(m.code, LINK_ERR_NO_HELLO);
	ck_assert(link_conn_closing(pa.conn));
	/* Closing: later input and deliveries are ignored. */
	hello(&pa, MSISDN_A);
	link_conn_deliver(pa.conn, SMSDTLS_TPDU_DELIVER, buf, 10);
	ck_assert_uint_eq(pa.outlen, 0);
	ck_assert_ptr_null(link_conn_station(pa.conn));

	/* Unknown station. */
	hello(&pb, MSISDN_C);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.type, LINK_ERROR);
	ck_assert_uint_eq(m.code, LINK_ERR_UNKNOWN);
	ck_assert_str_eq(m.text, "unknown station");
	link_conn_free(pb.conn);
	ck_assert_int_eq(pb.detached, 0);	/* never attached */

	/* Busy, wrong version, HELLO twice, server frames, bad length. */
	ck_assert_rc(link_conn_new(sc, &peer_host, &pb, &pb.conn),
	    SMSDTLS_OK);
	pb.busy = true;
	hello(&pb, MSISDN_B);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.code, LINK_ERR_BUSY);
	link_conn_free(pb.conn);

	ck_assert_rc(link_conn_new(sc, &peer_host, &pb, &pb.conn),
	    SMSDTLS_OK);
	len = frame(LINK_HELLO, "022B343437373030393030313233", buf);
	link_conn_input(pb.conn, buf, len, 0);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.code, LINK_ERR_VERSION);
	link_conn_free(pb.conn);

	ck_assert_rc(link_conn_new(sc, &peer_host, &pb, &pb.conn),
	    SMSDTLS_OK);
	pb.busy = false;
	hello(&pb, MSISDN_B);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.type, LINK_WELCOME);
	hello(&pb, MSISDN_B);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.code, LINK_ERR_HELLO_AGAIN);
	link_conn_free(pb.conn);
	ck_assert_int_eq(pb.detached, 1);

	ck_assert_rc(link_conn_new(sc, &peer_host, &pb, &pb.conn),
	    SMSDTLS_OK);
	hello(&pb, MSISDN_B);
	peer_next(&pb, &m);
	len = frame(LINK_SUBMITTED, "00", buf);
	link_conn_input(pb.conn, buf, len, 0);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.code, LINK_ERR_PROTO);
	link_conn_free(pb.conn);

	ck_assert_rc(link_conn_new(sc, &peer_host, &pb, &pb.conn),
	    SMSDTLS_OK);
	link_conn_input(pb.conn, (const uint8_t *)"\xff\xff\x01", 3, 0);
	peer_next(&pb, &m);
	ck_assert_uint_eq(m.code, LINK_ERR_PROTO);
	ck_assert_str_eq(m.text, "bad frame length");
	ck_assert(link_conn_closing(pb.conn));
}
END_TEST

/* ---------------------------------------------------------------- pcap */

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Walk the pcapng blocks in buf: every length is a multiple of 4 and
 * repeated at the end; returns the number of blocks. */
static size_t
check_blocks(const uint8_t *buf, size_t len, uint32_t *types, size_t max)
{
	size_t off = 0, n = 0;
	uint32_t blen;

	while (off < len) {
		ck_assert_uint_ge(len - off, 12);
		blen = le32(buf + off + 4);
		ck_assert_uint_eq(blen % 4, 0);
		ck_assert_uint_le(blen, len - off);
		ck_assert_uint_eq(le32(buf + off + blen - 4), blen);
		if (n < max)
			types[n] = le32(buf + off);
		n++;
		off += blen;
	}
	return n;
}

START_TEST(test_pcap_encode)
{
	static const uint8_t tags_in[] = { 0x00, 0x0c, 0x00, 0x08, 'g', 's',
	    'm', '_', 's', 'm', 's', 0x00, 0x00, 0x23, 0x00, 0x04, 0x00, 0x00,
	    0x00, 0x01, 0x00, 0x00, 0x00, 0x00 };
	uint8_t buf[PCAP_REC_MAX], tpdu[SMSDTLS_PDU_MAX];
	struct pcap_rec rec;
	uint32_t types[4];
	size_t len, tlen;

	ck_assert_rc(pcap_encode_head("test 1.0", buf, sizeof(buf), &len),
	    SMSDTLS_OK);
	ck_assert_uint_eq(check_blocks(buf, len, types, 4), 2);
	ck_assert_uint_eq(types[0], 0x0A0D0D0A);
	ck_assert_uint_eq(le32(buf + 8), 0x1A2B3C4D);	/* byte order */
	ck_assert_uint_eq(types[1], 1);			/* IDB */
	ck_assert_uint_eq(buf[le32(buf + 4) + 8], PCAP_LINKTYPE_UPPER_PDU);
	ck_assert_rc(pcap_encode_head("test 1.0", buf, len - 1, &len),
	    SMSDTLS_ETOOBIG);

	tlen = test_unhex(EX_SUBMIT, tpdu, sizeof(tpdu));
	rec.usec = 1710509445123456LL;
	rec.dir = PCAP_DIR_IN;
	rec.tpdu = tpdu;
	rec.len = tlen;
	rec.comment = "hello";
	ck_assert_rc(pcap_encode_rec(&rec, buf, sizeof(buf), &len),
	    SMSDTLS_OK);
	ck_assert_uint_eq(check_blocks(buf, len, types, 4), 1);
	ck_assert_uint_eq(types[0], 6);
	ck_assert_uint_eq(le32(buf + 12), (uint32_t)(rec.usec >> 32));
	ck_assert_uint_eq(le32(buf + 16), (uint32_t)rec.usec);
	ck_assert_uint_eq(le32(buf + 20), sizeof(tags_in) + tlen);
	ck_assert_uint_eq(le32(buf + 24), sizeof(tags_in) + tlen);
	ck_assert_mem_eq(buf + 28, tags_in, sizeof(tags_in));
	ck_assert_mem_eq(buf + 28 + sizeof(tags_in), tpdu, tlen);
	ck_assert_rc(pcap_encode_rec(&rec, buf, len - 1, &len),
	    SMSDTLS_ETOOBIG);
	rec.dir = 3;
	ck_assert_rc(pcap_encode_rec(&rec, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
	rec.dir = PCAP_DIR_OUT;
	rec.len = 0;
	ck_assert_rc(pcap_encode_rec(&rec, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
}
END_TEST

static FILE *pcap_fp;
static size_t pcap_recs;

static void
pcap_log_cb(const struct smsc_log_event *ev, void *arg)
{
	char comment[PCAP_COMMENT_MAX + 1];
	struct pcap_rec rec;

	(void)arg;
	if (!pcap_event_rec(ev, EX_EPOCH, comment, &rec)) {
		ck_assert_uint_eq(ev->kind, SMSC_LOG_DROP);
		return;
	}
	ck_assert_rc(pcap_write_rec(pcap_fp, &rec), SMSDTLS_OK);
	pcap_recs++;
}

static void
nop_deliver(struct smsc *s, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	(void)s; (void)st; (void)type; (void)tpdu; (void)len; (void)now;
	(void)arg;
}

/* A SUBMIT with ports from A to B through the core, its DELIVER and
 * STATUS-REPORT, in a file that tshark decodes in the right direction. */
START_TEST(test_pcap_tshark)
{
	struct smsc_conf conf;
	struct smsc_station *a, *b;
	uint8_t tpdu[SMSDTLS_PDU_MAX], mr;
	char path[256];
	const char *out;
	size_t len;

	tmp_setup();
	tshark_path();
	smsc_conf_default(&conf);
	memcpy(conf.country_code, "44", 3);
	conf.epoch = EX_EPOCH;
	conf.tz = EX_TZ;
	conf.station.net.latency.a = 1500;	/* fixed 1.5 s */
	ck_assert_rc(smsc_new(&conf, &sc), SMSDTLS_OK);
	ck_assert_rc(smsc_station_add(sc, MSISDN_A, nop_deliver, NULL, &a),
	    SMSDTLS_OK);
	ck_assert_rc(smsc_station_add(sc, MSISDN_B, nop_deliver, NULL, &b),
	    SMSDTLS_OK);
	smsc_set_log_cb(sc, pcap_log_cb, NULL);
	pcap_fp = fopen(tmp_path("ex.pcapng", path, sizeof(path)), "wb");
	ck_assert_ptr_nonnull(pcap_fp);
	ck_assert_rc(pcap_write_head(pcap_fp, "check_smsc_io"), SMSDTLS_OK);
	len = test_unhex(EX_SUBMIT, tpdu, sizeof(tpdu));
	ck_assert_rc(smsc_submit(sc, a, tpdu, len, 0, &mr), SMSDTLS_OK);
	ck_assert_rc(smsc_submit(sc, a, tpdu, 3, 0, &mr), SMSDTLS_ETRUNC);
	while (smsc_next_deadline(sc) != SMSC_NEVER)
		smsc_run(sc, smsc_next_deadline(sc));
	ck_assert_int_eq(fclose(pcap_fp), 0);
	smsc_free(sc);
	ck_assert_uint_eq(pcap_recs, 4);

	out = tshark(path, "-T fields -E 'separator=|' -e frame.time_epoch "
	    "-e frame.protocols -e exported_pdu.p2p_dir -e gsm_sms.tp-mti "
	    "-e gsm_sms.tp-mr -e gsm_sms.tp-da -e gsm_sms.tp-oa "
	    "-e gsm_sms.tp-ra -e gsm_sms.destination_port "
	    "-e gsm_sms.originator_port -e gsm_sms.sms_body");
	/* SUBMIT in at t = 0, refused SUBMIT in, DELIVER out at 1.5 s,
	 * STATUS-REPORT out at 3 s (B's and then A's latency). */
	assert_line(out, "1710509445.000000000|exported_pdu:gsm_sms|1|1|0|"
	    "447700900123|||5684|49152|0102030405060708090a");
	assert_line(out, "1710509446.500000000|exported_pdu:gsm_sms|0|0|||"
	    "447700900456||5684|49152|0102030405060708090a");
	assert_line(out, "1710509448.000000000|exported_pdu:gsm_sms|0|2|0|||"
	    "447700900123|||");
	assert_line(out, "1710509445.000000000|exported_pdu:gsm_sms|1|1|0|"
	    "|||||");			/* the refused one, cut short */

	/* The message type names need the direction: MTI 01 from the MS
	 * is a SUBMIT, MTI 00 from the SC a DELIVER. */
	out = tshark(path, "-V");
	ck_assert_ptr_nonnull(strstr(out, "GSM SMS TPDU (GSM 03.40) "
	    "SMS-SUBMIT\n"));
	ck_assert_ptr_nonnull(strstr(out, "GSM SMS TPDU (GSM 03.40) "
	    "SMS-DELIVER\n"));
	ck_assert_ptr_nonnull(strstr(out, "GSM SMS TPDU (GSM 03.40) "
	    "SMS-STATUS REPORT\n"));
	ck_assert_ptr_null(strstr(out, "SUBMIT REPORT"));
	ck_assert_ptr_null(strstr(out, "DELIVER REPORT"));
	ck_assert_ptr_nonnull(strstr(out, "Direction: Inbound"));
	ck_assert_ptr_nonnull(strstr(out, "Direction: Outbound"));
	ck_assert_ptr_nonnull(strstr(out, "TP-Validity-Period: 20 seconds"));
	ck_assert_ptr_nonnull(strstr(out, "Timezone: GMT + 1 hours"));
	out = tshark(path, "-T fields -e frame.comment");
	assert_line(out, "SUBMIT from " MSISDN_A " to " MSISDN_B " mr=0");
	assert_line(out, "SUBMIT from " MSISDN_A " refused: +CMS ERROR 304 "
	    "(malformed)");
	assert_line(out, "DELIVER to " MSISDN_B " from " MSISDN_A);
	assert_line(out, "STATUS-REPORT to " MSISDN_A " for mr=0 to "
	    MSISDN_B);
}
END_TEST

/* Control: the same SUBMIT marked as sent by the SC reads as a
 * SUBMIT-REPORT, so the decode above does depend on the direction. */
START_TEST(test_pcap_direction_matters)
{
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	struct pcap_rec rec;
	char path[256];
	const char *out;
	FILE *fp;

	tmp_setup();
	fp = fopen(tmp_path("dir.pcapng", path, sizeof(path)), "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_rc(pcap_write_head(fp, NULL), SMSDTLS_OK);
	rec.usec = 0;
	rec.dir = PCAP_DIR_OUT;
	rec.tpdu = tpdu;
	rec.len = test_unhex(EX_SUBMIT, tpdu, sizeof(tpdu));
	rec.comment = NULL;
	ck_assert_rc(pcap_write_rec(fp, &rec), SMSDTLS_OK);
	ck_assert_int_eq(fclose(fp), 0);
	out = tshark(path, "-V");
	ck_assert_ptr_nonnull(strstr(out, "SMS-SUBMIT REPORT"));
}
END_TEST

/* ------------------------------------------------ configuration (-n) */

static const char good_conf[] =
	"# a comment\n"
	"; another\n"
	"[smsc]\n"
	"seed = 42\n"
	"country-code = 44\n"
	"epoch = 2024-03-15T13:30:45Z\n"
	"tz = +01:00\n"
	"default-vp = 2h\n"
	"report-vp = 30m\n"
	"max-queued = 500\n"
	"max-queued-station = 50\n"
	"max-stations = 10\n"
	"smsc-number = +447785016005\n"
	"latency = lognormal 7s 30s\n"
	"loss = 1%\n"
	"dup = 0.001\n"
	"reorder = 0.05\n"
	"reorder-hold = 2s\n"
	"mo-per-min = 6\n"
	"mt-per-min = 12\n"
	"burst = 3\n"
	"auto-station = on\n"
	"link-socket = /tmp/nowhere/link.sock\n"
	"link-tcp = 7700\n"
	"log = stderr\n"
	"pcap = /tmp/nowhere/smsc.pcapng\n"
	"\n"
	"[station +447700900123]\n"
	"  modem = pty  \n"
	"modem-link = /tmp/nowhere/modem-0\n"
	"latency = uniform 100ms 2s\n"
	"reject-evp = yes\n"
	"fault = cms-error 331 at 1m for 30s\n"
	"fault = gone at 2m\n"
	"slots = 5\n"
	"imei = 356938035643809\n"
	"imsi = 001010123456789\n"
	"manufacturer = ACME Modems\n"
	"model = test\n"
	"revision = 1.2.3\n"
	"\n"
	"[station 07700900456]\n"
	"link = yes\n"
	"loss = 0\n"
	"offline = at 10s for 5m\n"
	"reject = 42 at 0\n";

START_TEST(test_conf_good)
{
	char conf[256], out[256], err[256];
	char *argv[] = { SMSC_PROGRAM, "-n", "-v", "-f", conf, NULL };
	const char *text;

	tmp_setup();
	write_file(tmp_path("good.conf", conf, sizeof(conf)), good_conf);
	tmp_path("out", out, sizeof(out));
	tmp_path("err", err, sizeof(err));
	ck_assert_int_eq(run(argv, out, err), 0);
	ck_assert_str_eq(read_file(err), "configuration OK\n");
	text = read_file(out);
	assert_line(text, "seed = 42");
	assert_line(text, "country-code = 44");
	assert_line(text, "epoch = 1710509445");
	assert_line(text, "tz = +01:00");
	assert_line(text, "default-vp = 2h");
	assert_line(text, "report-vp = 30m");
	assert_line(text, "max-queued = 500");
	assert_line(text, "max-queued-station = 50");
	assert_line(text, "max-stations = 10");
	assert_line(text, "smsc-number = +447785016005");
	assert_line(text, "latency = lognormal 7s 30s");
	assert_line(text, "loss = 0.01");
	assert_line(text, "dup = 0.001");
	assert_line(text, "reorder-hold = 2s");
	assert_line(text, "mo-per-min = 6");
	assert_line(text, "burst = 3");
	assert_line(text, "mt-per-min = 12");
	assert_line(text, "auto-station = yes");
	assert_line(text, "link-socket = /tmp/nowhere/link.sock");
	assert_line(text, "link-tcp = 7700");
	assert_line(text, "log = stderr");
	assert_line(text, "pcap = /tmp/nowhere/smsc.pcapng");
	assert_line(text, "slots = 5");
	assert_line(text, "imei = 356938035643809");
	assert_line(text, "imsi = 001010123456789");
	assert_line(text, "manufacturer = ACME Modems");
	assert_line(text, "model = test");
	assert_line(text, "revision = 1.2.3");
	assert_line(text, "[station +447700900123]");
	assert_line(text, "modem = pty");
	assert_line(text, "modem-link = /tmp/nowhere/modem-0");
	assert_line(text, "latency = uniform 100ms 2s");
	assert_line(text, "reject-evp = yes");
	assert_line(text, "fault = cms-error 331 at 1m for 30s");
	assert_line(text, "fault = gone at 2m");
	assert_line(text, "[station 07700900456]");
	assert_line(text, "link = yes");
	assert_line(text, "loss = 0");		/* the station's own */
	assert_line(text, "offline = at 10s for 5m");
	assert_line(text, "reject = 42 at 0ms");
	/* Defaults from [smsc] reach the stations that do not override. */
	ck_assert_ptr_nonnull(strstr(strstr(text, "[station 0770"),
	    "latency = lognormal 7s 30s"));
}
END_TEST

struct bad_conf {
	const char *text;
	const char *want;	/* "LINE: reason" after the file name */
};

static const struct bad_conf bad_confs[] = {
	{ "seed = 1\n", "1: 'seed = 1' outside any section" },
	{ "[smsc]\nseed = x\n", "2: seed: an unsigned 64-bit number: x" },
	{ "[smsc]\nseed = -1\n", "2: seed: an unsigned 64-bit number" },
	{ "[smsc]\nseed = 1\nseed = 2\n", "3: 'seed' given twice" },
	{ "[smsc]\nseed\n", "2: expected 'keyword = value': seed" },
	{ "[smsc]\nseed =\n", "2: seed: missing value" },
	{ "[smsc]\nbogus = 1\n", "2: unknown keyword 'bogus'" },
	{ "[smsc]\nmodem = pty\n", "2: 'modem' belongs in a [station]" },
	{ "[station +447700900123]\nseed = 1\n", "2: 'seed' belongs in "
	    "[smsc]" },
	{ "[smsc\n", "1: section header without ']'" },
	{ "[smsc]\n[modems]\n", "2: unknown section [modems]" },
	{ "[station]\n", "1: [station] needs an MSISDN" },
	{ "[station +44x]\n", "1: station: not a phone number: +44x" },
	{ "[station +447700900123]\n[station +447700900123]\n",
	    "2: station +447700900123: already defined at line 1" },
	{ "[smsc]\ncountry-code = 44\n[station +447700900123]\n"
	    "[station 07700900123]\n", "4: station 07700900123: same number "
	    "as station +447700900123 at line 3" },
	{ "[station 07700900123]\n", "1: station 07700900123: not routable" },
	{ "[smsc]\ncountry-code = 044\n", "2: country-code: 1-3 digits" },
	{ "[smsc]\nepoch = 1989-12-31T23:59:59Z\n", "2: epoch: Unix seconds "
	    "or YYYY-MM-DDTHH:MM:SSZ" },
	{ "[smsc]\nepoch = 2024-13-01T00:00:00Z\n", "2: epoch:" },
	{ "[smsc]\ntz = +01:07\n", "2: tz: +HH:MM or -HH:MM" },
	{ "[smsc]\ntz = +15:00\n", "2: tz:" },
	{ "[smsc]\ndefault-vp = 500ms\n", "2: default-vp: whole seconds" },
	{ "[smsc]\nreport-vp = 64w\n", "2: report-vp: whole seconds" },
	{ "[smsc]\nmax-queued = 0\n", "2: max-queued: 1..100000000: 0" },
	{ "[smsc]\nlatency = fixed 100\n", "2: latency: bad duration" },
	{ "[smsc]\nlatency = fixed 31d\n", "2: latency: bad duration" },
	{ "[smsc]\nlatency = normal 1s\n", "2: latency: fixed D, uniform" },
	{ "[smsc]\nlatency = uniform 1s\n", "2: latency: fixed D, uniform" },
	{ "[smsc]\nlatency = uniform 2s 1s\n", "2: latency: uniform MAX "
	    "below MIN" },
	{ "[smsc]\nlatency = lognormal 0 1s\n", "2: latency: lognormal "
	    "needs 0 < MEDIAN <= P95" },
	{ "[smsc]\nloss = 2\n", "2: loss: a probability" },
	{ "[smsc]\ndup = 101%\n", "2: dup: a probability" },
	{ "[smsc]\nreorder = nan\n", "2: reorder: a probability" },
	{ "[smsc]\nburst = 0\n", "2: burst: 1..1000000: 0" },
	{ "[smsc]\nmo-per-min = many\n", "2: mo-per-min: 0..600000" },
	{ "[smsc]\nlink-tcp = 70000\n", "2: link-tcp: a port" },
	{ "[smsc]\nauto-station = maybe\n", "2: auto-station: yes or no" },
	{ "[smsc]\nsmsc-number = SMSC\n", "2: smsc-number: not a phone" },
	{ "[station +447700900123]\nmodem = usb\n", "2: modem: pty or none" },
	{ "[station +447700900123]\nlink = 2\n", "2: link: yes or no" },
	{ "[station +447700900123]\nmodem-link = /tmp/x\n", "1: station "
	    "+447700900123: modem-link needs modem = pty" },
	{ "[station +447700900123]\nfault = silent at 1s\n", "2: station "
	    "+447700900123: fault needs modem = pty" },
	{ "[station +447700900123]\nmodem = pty\nfault = broken at 1s\n",
	    "3: fault: silent, cms-error CMS or gone" },
	{ "[station +447700900123]\nmodem = pty\nfault = cms-error at 1s\n",
	    "3: fault: cms-error needs a code" },
	{ "[station +447700900123]\nmodem = pty\nfault = gone 1s\n",
	    "3: expected 'at TIME [for DURATION]'" },
	{ "[station +447700900123]\nmodem = pty\nfault = gone at 1s for 0\n",
	    "3: expected 'for DURATION' (not 0)" },
	{ "[station +447700900123]\nreject = 0 at 1s\n", "2: reject: CMS at "
	    "TIME" },
	{ "[station +447700900123]\noffline = at soon\n", "2: bad time: "
	    "soon" },
	{ "[station +447700900123]\nimei = 35693803564380x\n", "2: imei: "
	    "1-17 digits" },
	{ "[station +447700900123]\nmodel = \"quoted\"\n", "2: model: "
	    "printable, no '\"'" },
	{ "[station +447700900123]\nslots = 0\n", "2: slots: 1..1000: 0" },
	{ "[smsc]\nlink-socket = /" "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789\n", "2: link-socket: a path of at "
	    "most 107 octets" },
	{ "[smsc]\nmax-stations = 100000001\n", "2: max-stations: "
	    "1..100000000" },
	{ "[station +447700900123]\nimsi = 0010101234567890\n", "2: imsi: "
	    "1-15 digits" },
	{ "[station +447700900123]\nrevision = caf\xc3\xa9\n", "2: "
	    "revision: printable" },
	{ "[smsc]\nseed = 18446744073709551616\n", "2: seed: an unsigned" },
	{ "[smsc]\nsmsc-number = +447785016005\nsmsc-number = +1\n",
	    "3: 'smsc-number' given twice" },
	{ "[smsc]\nreorder-hold = 1y\n", "2: reorder-hold: a duration" },
	{ "[smsc]\n" "x = \"...\n", "2: unknown keyword 'x'" }
};

START_TEST(test_conf_bad)
{
	const struct bad_conf *b = &bad_confs[_i];
	char conf[256], out[256], err[256], want[512];
	char *argv[] = { SMSC_PROGRAM, "-n", "-f", conf, NULL };
	const char *text;

	tmp_setup();
	write_file(tmp_path("bad.conf", conf, sizeof(conf)), b->text);
	tmp_path("out", out, sizeof(out));
	tmp_path("err", err, sizeof(err));
	ck_assert_int_eq(run(argv, out, err), 1);
	text = read_file(err);
	snprintf(want, sizeof(want), "%s:%s", conf, b->want);
	ck_assert_msg(strstr(text, want) != NULL, "want \"%s\" in:\n%s", want,
	    text);
	ck_assert_ptr_null(strstr(text, "configuration OK"));
}
END_TEST

/* All errors of a file are reported, each at its line. */
START_TEST(test_conf_all_errors)
{
	static const char text[] =
	    "[smsc]\n"
	    "seed = x\n"			/* 2 */
	    "loss = 2\n"			/* 3 */
	    "\n"
	    "[station +447700900123]\n"
	    "bogus = 1\n"			/* 6 */
	    "link = yes\n"
	    "link = no\n"			/* 8 */
	    "[nope]\n"				/* 9 */
	    "this line is skipped\n";
	char conf[256], out[256], err[256], want[300];
	char *argv[] = { SMSC_PROGRAM, "-n", "-f", conf, NULL };
	static const int lines[] = { 2, 3, 6, 8, 9 };
	const char *msg, *p;
	size_t i, n = 0;

	tmp_setup();
	write_file(tmp_path("multi.conf", conf, sizeof(conf)), text);
	tmp_path("out", out, sizeof(out));
	tmp_path("err", err, sizeof(err));
	ck_assert_int_eq(run(argv, out, err), 1);
	msg = read_file(err);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(want, sizeof(want), "%s:%d: ", conf, lines[i]);
		ck_assert_msg(strstr(msg, want) != NULL, "no %s in:\n%s",
		    want, msg);
	}
	for (p = msg; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	ck_assert_uint_eq(n, 5);

	/* A file that is not there is an error too; bad options exit 2. */
	strcpy(conf, "/nonexistent/smsc.conf");
	ck_assert_int_eq(run(argv, out, err), 1);
	ck_assert_ptr_nonnull(strstr(read_file(err), "/nonexistent/smsc.conf"));
	{
		char *bad[] = { SMSC_PROGRAM, "--no-such-option", NULL };
		char *port[] = { SMSC_PROGRAM, "-n", "--link-tcp", "0", NULL };
		char *help[] = { SMSC_PROGRAM, "--help", NULL };
		char *ver[] = { SMSC_PROGRAM, "--version", NULL };

		ck_assert_int_eq(run(bad, out, err), 2);
		ck_assert_int_eq(run(port, out, err), 2);
		ck_assert_int_eq(run(help, out, err), 0);
		ck_assert_ptr_nonnull(strstr(read_file(out), "--pcap"));
		ck_assert_int_eq(run(ver, out, err), 0);
		ck_assert_str_eq(read_file(out), "smsdtls-smsc "
		    PACKAGE_VERSION "\n");
	}
}
END_TEST

/* ------------------------------------------------- the program, live */

struct lclient {
	int	fd;
	uint8_t	buf[4 * LINK_FRAME_MAX];
	size_t	len;
};

/* Connect to path, or to 127.0.0.1:port when path is a port number,
 * retrying while the server starts. */
static void
lc_connect(struct lclient *c, const char *path)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	int64_t until = mono_ms() + WAIT_MS;
	socklen_t sslen;

	memset(c, 0, sizeof(*c));
	memset(&ss, 0, sizeof(ss));
	if (path[0] == '/') {
		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path);
		sslen = sizeof(*sun);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)atoi(path));
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sslen = sizeof(*sin);
	}
	for (;;) {
		c->fd = socket(ss.ss_family, SOCK_STREAM, 0);
		ck_assert_int_ge(c->fd, 0);
		if (connect(c->fd, (struct sockaddr *)&ss, sslen) == 0)
			return;
		close(c->fd);
		ck_assert_msg(mono_ms() < until, "cannot connect to %s: %s",
		    path, strerror(errno));
		usleep(20000);
	}
}

/* A TCP port on 127.0.0.1 that was free a moment ago. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static void
lc_send(struct lclient *c, const struct link_msg *m)
{
	uint8_t buf[LINK_FRAME_MAX];
	size_t len;

	ck_assert_rc(link_encode(m, buf, sizeof(buf), &len), SMSDTLS_OK);
	ck_assert_int_eq(write(c->fd, buf, len), (ssize_t)len);
}

/* The next frame from the server, within WAIT_MS. */
static void
lc_recv(struct lclient *c, struct link_msg *m)
{
	int64_t until = mono_ms() + WAIT_MS;
	struct pollfd pfd = { c->fd, POLLIN, 0 };
	size_t used;
	ssize_t n;
	smsdtls_rc rc;

	while ((rc = link_decode(c->buf, c->len, m, &used)) ==
	    SMSDTLS_AGAIN) {
		ck_assert_msg(mono_ms() < until, "no frame from the SMSC");
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		ck_assert_msg(n > 0, "link closed by the SMSC");
		c->len += (size_t)n;
	}
	ck_assert_rc(rc, SMSDTLS_OK);
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
}

static void
lc_hello(struct lclient *c, const char *path, const char *msisdn)
{
	struct link_msg m;

	lc_connect(c, path);
	memset(&m, 0, sizeof(m));
	m.type = LINK_HELLO;
	m.version = LINK_VERSION;
	strcpy(m.msisdn, msisdn);
	lc_send(c, &m);
	lc_recv(c, &m);
	ck_assert_msg(m.type == LINK_WELCOME, "HELLO %s: %s %u %s", msisdn,
	    link_type_name(m.type), m.code, m.text);
	ck_assert_str_eq(m.msisdn, msisdn);
}

static void
lc_submit(struct lclient *c, const char *hex, struct link_msg *answer)
{
	struct link_msg m;

	memset(&m, 0, sizeof(m));
	m.type = LINK_SUBMIT;
	m.tpdu_len = test_unhex(hex, m.tpdu, sizeof(m.tpdu));
	lc_send(c, &m);
	lc_recv(c, answer);
}

static const char live_conf[] =
	"[smsc]\n"
	"country-code = 44\n"
	"epoch = 2024-03-15T13:30:45Z\n"
	"tz = +01:00\n"
	"latency = uniform 5ms 50ms\n"
	"[station +447700900456]\n"
	"link = yes\n"
	"[station +447700900123]\n"
	"link = yes\n"
	"[station +447700900789]\n"
	"link = yes\n"
	"reject = 42 at 0\n"
	"[station +447700900999]\n"		/* not reachable by link */
	"loss = 0\n";

/* Two link clients on a Unix socket: A submits to B, B gets the DELIVER
 * with A as originator and the user data intact; SIGTERM ends the
 * program cleanly and its pcap opens in tshark. */
START_TEST(test_program_link)
{
	char conf[256], sock[256], pcap[256], log[256], out[256], err[256];
	char *argv[] = { SMSC_PROGRAM, "-d", "-f", conf, "--link", sock,
	    "--pcap", pcap, "--log", log, NULL };
	struct lclient a, b, b2, c, d;
	struct smsdtls_tpdu t, s;
	struct link_msg m;
	uint8_t sub[SMSDTLS_PDU_MAX];
	const char *text;
	size_t sublen;
	struct stat sb;

	tmp_setup();
	write_file(tmp_path("smsc.conf", conf, sizeof(conf)), live_conf);
	tmp_path("link.sock", sock, sizeof(sock));
	tmp_path("smsc.pcapng", pcap, sizeof(pcap));
	tmp_path("smsc.log", log, sizeof(log));
	spawn(argv, tmp_path("out", out, sizeof(out)),
	    tmp_path("err", err, sizeof(err)));

	lc_hello(&a, sock, MSISDN_A);
	lc_hello(&b, sock, MSISDN_B);
	lc_submit(&a, EX_SUBMIT, &m);
	ck_assert_uint_eq(m.type, LINK_SUBMITTED);
	ck_assert_uint_eq(m.mr, 0);

	lc_recv(&b, &m);
	ck_assert_uint_eq(m.type, LINK_DELIVER);
	ck_assert_rc(smsdtls_tpdu_decode(m.tpdu, m.tpdu_len, false,
	    SMSDTLS_TPDU_DELIVER, &t), SMSDTLS_OK);
	ck_assert_uint_eq(t.addr.ton, SMSDTLS_TON_INTERNATIONAL);
	ck_assert_str_eq(t.addr.text, "447700900456");
	sublen = test_unhex(EX_SUBMIT, sub, sizeof(sub));
	ck_assert_rc(smsdtls_tpdu_decode(sub, sublen, false,
	    SMSDTLS_TPDU_SUBMIT, &s), SMSDTLS_OK);
	ck_assert_uint_eq(t.ud_len, s.ud_len);
	ck_assert_mem_eq(t.ud, s.ud, s.ud_len);
	ck_assert(t.udh.has_ports);
	ck_assert_uint_eq(t.udh.dst_port, 5684);
	ck_assert_uint_eq(t.udh.src_port, 49152);
	ck_assert_int_eq(t.scts.tz, EX_TZ);

	lc_recv(&a, &m);			/* SRR: the report */
	ck_assert_uint_eq(m.type, LINK_REPORT);
	ck_assert_rc(smsdtls_tpdu_decode(m.tpdu, m.tpdu_len, false,
	    SMSDTLS_TPDU_STATUS_REPORT, &t), SMSDTLS_OK);
	ck_assert_uint_eq(t.mr, 0);
	ck_assert_uint_eq(t.st, SMSC_ST_DELIVERED);

	/* A malformed SUBMIT is refused; the link stays up. */
	lc_submit(&a, "0102", &m);
	ck_assert_uint_eq(m.type, LINK_REFUSED);
	ck_assert_uint_eq(m.code, SMSC_CMS_PDU_INVALID);
	/* B is taken; C is under a "reject = 42" fault; the fourth
	 * station is not reachable by link; a fifth is unknown. */
	lc_connect(&b2, sock);
	memset(&m, 0, sizeof(m));
	m.type = LINK_HELLO;
	m.version = LINK_VERSION;
	strcpy(m.msisdn, MSISDN_B);
	lc_send(&b2, &m);
	lc_recv(&b2, &m);
	ck_assert_uint_eq(m.type, LINK_ERROR);
	ck_assert_uint_eq(m.code, LINK_ERR_BUSY);
	close(b2.fd);
	lc_hello(&c, sock, MSISDN_C);
	lc_submit(&c, EX_SUBMIT, &m);
	ck_assert_uint_eq(m.type, LINK_REFUSED);
	ck_assert_uint_eq(m.code, 42);
	lc_connect(&d, sock);
	memset(&m, 0, sizeof(m));
	m.type = LINK_HELLO;
	m.version = LINK_VERSION;
	strcpy(m.msisdn, "+447700900999");
	lc_send(&d, &m);
	lc_recv(&d, &m);
	ck_assert_uint_eq(m.code, LINK_ERR_UNKNOWN);
	close(d.fd);

	ck_assert_int_eq(stop_server(SIGTERM), 0);
	ck_assert_int_ne(lstat(sock, &sb), 0);	/* socket removed */
	close(a.fd);
	close(b.fd);
	close(c.fd);

	text = read_file(log);
	ck_assert_ptr_nonnull(strstr(text, " in SUBMIT station=" MSISDN_A
	    " peer=" MSISDN_B " mr=0 len=37 pdu=" EX_SUBMIT "\n"));
	ck_assert_ptr_nonnull(strstr(text, " out DELIVER station=" MSISDN_B
	    " peer=" MSISDN_A " mr=0 len=36 pdu="));
	ck_assert_ptr_nonnull(strstr(text, " refused SUBMIT station="
	    MSISDN_C " peer=- mr=0 cms=42 reason=barred"));
	ck_assert_ptr_nonnull(strstr(text, "2024-03-15T13:30:4"));

	text = tshark(pcap, "-T fields -E 'separator=|' "
	    "-e exported_pdu.p2p_dir -e gsm_sms.tp-mti -e gsm_sms.tp-oa "
	    "-e gsm_sms.destination_port");
	assert_line(text, "1|1||5684");		/* SUBMIT, in */
	assert_line(text, "0|0|447700900456|5684");	/* DELIVER, out */
	assert_line(text, "0|2||");		/* STATUS-REPORT, out */
	ck_assert_ptr_nonnull(strstr(read_file(err), "smsc exiting"));
}
END_TEST

/* SIGINT ends it too; a link station without a client is offline and
 * its messages wait for the client to come; the link on TCP. */
START_TEST(test_program_offline_until_hello)
{
	char sock[256], out[256], err[256], port[16];
	char *argv[] = { SMSC_PROGRAM, "-d", "--link", sock, "--link-tcp",
	    port, "--seed", "9", NULL };
	struct lclient a, b;
	struct link_msg m;

	tmp_setup();
	tmp_path("s", sock, sizeof(sock));
	snprintf(port, sizeof(port), "%d", free_port());
	spawn(argv, tmp_path("out", out, sizeof(out)),
	    tmp_path("err", err, sizeof(err)));
	lc_hello(&a, sock, MSISDN_A);		/* added on the fly */
	lc_hello(&b, port, MSISDN_B);		/* over TCP */
	close(b.fd);				/* B goes away */
	usleep(100000);
	lc_submit(&a, EX_SUBMIT, &m);
	ck_assert_uint_eq(m.type, LINK_SUBMITTED);
	usleep(100000);
	lc_hello(&b, port, MSISDN_B);		/* back: gets it now */
	lc_recv(&b, &m);
	ck_assert_uint_eq(m.type, LINK_DELIVER);
	ck_assert_int_eq(stop_server(SIGINT), 0);
	close(a.fd);
	close(b.fd);
}
END_TEST

/* The terminal side of a pty modem: raw, non-blocking reads. */
static int
tty_open(const char *path)
{
	int64_t until = mono_ms() + WAIT_MS;
	struct termios t;
	int fd;

	while ((fd = open(path, O_RDWR | O_NOCTTY)) == -1) {
		ck_assert_msg(mono_ms() < until, "%s: %s", path,
		    strerror(errno));
		usleep(20000);
	}
	ck_assert_int_eq(tcgetattr(fd, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(fd, TCSANOW, &t), 0);
	return fd;
}

/* Read from the modem until want has appeared; returns all read. */
static const char *
tty_expect(int fd, const char *want)
{
	static char buf[8192];
	int64_t until = mono_ms() + WAIT_MS;
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0;
	ssize_t n;

	buf[0] = '\0';
	while (strstr(buf, want) == NULL) {
		ck_assert_msg(mono_ms() < until, "no \"%s\" from the modem, "
		    "got \"%s\"", want, buf);
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		ck_assert_int_gt(n, 0);
		len += (size_t)n;
		buf[len] = '\0';
	}
	return buf;
}

static void
tty_cmd(int fd, const char *cmd, const char *want)
{
	ck_assert_int_eq(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	tty_expect(fd, want);
}

/* A station on an AT modem (pty, stable symlink) and one on the link
 * exchange SMS both ways. */
START_TEST(test_program_modem)
{
	static const char conf_text[] =
	    "[smsc]\n"
	    "country-code = 44\n"
	    "epoch = 2024-03-15T13:30:45Z\n"
	    "tz = +01:00\n"
	    "smsc-number = +447785016005\n"
	    "[station +447700900456]\n"
	    "link = yes\n"
	    "[station +447700900123]\n"
	    "modem = pty\n"
	    "modem-link = %s\n";
	char conf[256], sock[256], dev[256], out[256], err[256];
	char text[1024], cmgs[64];
	char *argv[] = { SMSC_PROGRAM, "-d", "-f", conf, "--link", sock,
	    NULL };
	static const char reply[] = "0051000C914477000940650004AA09"
	    "0605041634C0000102";
	struct smsdtls_tpdu t;
	struct lclient a;
	struct link_msg m;
	struct stat sb;
	const char *got;
	int fd;

	tmp_setup();
	tmp_path("dev/modem-0", dev, sizeof(dev));
	snprintf(text, sizeof(text), conf_text, dev);
	write_file(tmp_path("smsc.conf", conf, sizeof(conf)), text);
	tmp_path("link.sock", sock, sizeof(sock));
	spawn(argv, tmp_path("out", out, sizeof(out)),
	    tmp_path("err", err, sizeof(err)));
	lc_hello(&a, sock, MSISDN_A);		/* the SMSC is up */
	ck_assert_int_eq(lstat(dev, &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	ck_assert_ptr_nonnull(strstr(read_file(out), "station " MSISDN_B
	    " modem /dev/pts/"));

	fd = tty_open(dev);
	tty_cmd(fd, "ATE1\r", "OK\r\n");
	tty_cmd(fd, "AT+CMGF=0\r", "OK\r\n");
	tty_cmd(fd, "AT+CNMI=2,2,0,1,0\r", "OK\r\n");

	/* Link A -> modem B: an unsolicited +CMT with the SMSC prefix. */
	lc_submit(&a, EX_SUBMIT, &m);
	ck_assert_uint_eq(m.type, LINK_SUBMITTED);
	got = tty_expect(fd, "0A\r\n");
	ck_assert_ptr_nonnull(strstr(got, "+CMT: ,36\r\n07914477581006506"
	    "40C9144770009406500044230514103"));
	ck_assert_ptr_nonnull(strstr(got, "110605041634C0000102030405060708"
	    "090A\r\n"));

	/* Modem B -> link A with AT+CMGS. */
	snprintf(cmgs, sizeof(cmgs), "AT+CMGS=%zu\r", strlen(reply) / 2 - 1);
	tty_cmd(fd, cmgs, "> ");
	ck_assert_int_eq(write(fd, reply, strlen(reply)),
	    (ssize_t)strlen(reply));
	tty_cmd(fd, "\x1a", "+CMGS: 0\r\n");
	lc_recv(&a, &m);
	if (m.type == LINK_REPORT)		/* A's SRR, first */
		lc_recv(&a, &m);
	ck_assert_uint_eq(m.type, LINK_DELIVER);
	ck_assert_rc(smsdtls_tpdu_decode(m.tpdu, m.tpdu_len, false,
	    SMSDTLS_TPDU_DELIVER, &t), SMSDTLS_OK);
	ck_assert_str_eq(t.addr.text, "447700900123");
	ck_assert_uint_eq(t.ud_len, 9);
	ck_assert_uint_eq(t.udh.dst_port, 5684);
	close(fd);

	ck_assert_int_eq(stop_server(SIGTERM), 0);
	ck_assert_int_ne(lstat(dev, &sb), 0);	/* symlink removed */
	close(a.fd);
}
END_TEST

/* Scheduled faults: a link station offline for its first 1.5 s (its
 * submits refused with 331), a modem unplugged from 1 s to 2 s (the
 * terminal sees the hang-up, the symlink goes and comes back). */
START_TEST(test_program_faults)
{
	static const char conf_text[] =
	    "[smsc]\n"
	    "country-code = 44\n"
	    "[station +447700900456]\n"
	    "link = yes\n"
	    "offline = at 0 for 1500ms\n"
	    "[station +447700900123]\n"
	    "modem = pty\n"
	    "modem-link = %s\n"
	    "fault = gone at 1s for 1s\n";
	char conf[256], sock[256], dev[256], out[256], err[256];
	char text[1024], buf[64];
	char *argv[] = { SMSC_PROGRAM, "-d", "-f", conf, "--link", sock,
	    NULL };
	struct pollfd pfd;
	struct lclient a;
	struct link_msg m;
	struct stat sb;
	int64_t until;
	ssize_t n;
	int fd;

	tmp_setup();
	tmp_path("modem", dev, sizeof(dev));
	snprintf(text, sizeof(text), conf_text, dev);
	write_file(tmp_path("smsc.conf", conf, sizeof(conf)), text);
	tmp_path("link.sock", sock, sizeof(sock));
	spawn(argv, tmp_path("out", out, sizeof(out)),
	    tmp_path("err", err, sizeof(err)));
	lc_hello(&a, sock, MSISDN_A);
	lc_submit(&a, EX_SUBMIT, &m);
	ck_assert_uint_eq(m.type, LINK_REFUSED);
	ck_assert_uint_eq(m.code, SMSC_CMS_NO_NETWORK);

	fd = tty_open(dev);
	tty_cmd(fd, "AT\r", "OK\r\n");
	/* Unplugged: end of file or EIO on the terminal, no symlink. */
	until = mono_ms() + WAIT_MS;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		ck_assert_msg(mono_ms() < until, "no hang-up on the modem");
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			break;
	}
	close(fd);
	ck_assert_int_ne(lstat(dev, &sb), 0);
	/* Plugged back: the symlink leads to a working modem again. */
	fd = tty_open(dev);
	tty_cmd(fd, "AT\r", "OK\r\n");
	close(fd);
	lc_submit(&a, EX_SUBMIT, &m);		/* online again by now */
	ck_assert_uint_eq(m.type, LINK_SUBMITTED);
	ck_assert_int_eq(stop_server(SIGTERM), 0);
	close(a.fd);
	ck_assert_ptr_nonnull(strstr(read_file(err), "modem gone"));
	ck_assert_ptr_nonnull(strstr(read_file(err), "modem back"));
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *
smsc_io_suite(void)
{
	Suite *s = suite_create("smsc_io");
	TCase *tc;

	tc = tcase_create("link-codec");
	tcase_add_test(tc, test_link_hello_bytes);
	tcase_add_test(tc, test_link_round_trip);
	tcase_add_test(tc, test_link_truncations);
	tcase_add_loop_test(tc, test_link_malformed, 0,
	    sizeof(bad_frames) / sizeof(bad_frames[0]));
	tcase_add_test(tc, test_link_long_frames);
	tcase_add_test(tc, test_link_encode_invalid);
	tcase_add_test(tc, test_link_fuzz);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("link-conn");
	tcase_add_checked_fixture(tc, conn_setup, conn_teardown);
	tcase_add_test(tc, test_conn_submit_deliver);
	tcase_add_test(tc, test_conn_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("pcap");
	tcase_add_test(tc, test_pcap_encode);
	tcase_add_test(tc, test_pcap_tshark);
	tcase_add_test(tc, test_pcap_direction_matters);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf");
	tcase_add_test(tc, test_conf_good);
	tcase_add_loop_test(tc, test_conf_bad, 0,
	    sizeof(bad_confs) / sizeof(bad_confs[0]));
	tcase_add_test(tc, test_conf_all_errors);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("program");
	tcase_add_test(tc, test_program_link);
	tcase_add_test(tc, test_program_offline_until_hello);
	tcase_add_test(tc, test_program_modem);
	tcase_add_test(tc, test_program_faults);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(smsc_io_suite)

/*
 * common.c - what the benchmark subcommands share: credentials for PSK,
 * raw public keys (RFC 7250) and certificates from tests/data (made by
 * scripts/gen-test-certs: P-256 keys, leaf + intermediate chains, one
 * root), the first DTLS record of a datagram (RFC 6347 section 4.1,
 * 4.2.2), percentiles, and independent jobs spread over worker
 * processes.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define BENCH_LINE_MAX	1024
#define REC_HEADER	13
#define HS_HEADER	12
#define CT_HANDSHAKE	22

static const uint8_t bench_psk_key[16] = "smsdtls-bench-ky";
static const char bench_psk_store[] =
    "device-0001 736d7364746c732d62656e63682d6b79\n";

static const char *const mode_names[BENCH_NMODES] = {
	[BENCH_PSK] = "psk", [BENCH_RPK] = "rpk", [BENCH_X509] = "x509"
};

static int
bench_load(const char *dir, const char *name, uint8_t **p, size_t *len)
{
	char path[1024], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (smsdtls_read_file(path, p, len, err, sizeof(err)) != SMSDTLS_OK) {
		fprintf(stderr, "smsdtls-bench: %s: %s\n", path, err);
		return -1;
	}
	return 0;
}

int
bench_creds_load(struct bench_creds *cr, const char *dir)
{
	memset(cr, 0, sizeof(*cr));
	if (bench_load(dir, "client.key", &cr->client_key,
	    &cr->client_key_len) != 0 ||
	    bench_load(dir, "server.key", &cr->server_key,
	    &cr->server_key_len) != 0 ||
	    bench_load(dir, "client-chain.pem", &cr->client_chain,
	    &cr->client_chain_len) != 0 ||
	    bench_load(dir, "server-chain.pem", &cr->server_chain,
	    &cr->server_chain_len) != 0 ||
	    bench_load(dir, "ca-root.pem", &cr->ca, &cr->ca_len) != 0 ||
	    bench_load(dir, "pins.pem", &cr->pins, &cr->pins_len) != 0 ||
	    smsdtls_psk_store_parse(bench_psk_store,
	    strlen(bench_psk_store), &cr->store, NULL, 0) != SMSDTLS_OK) {
		bench_creds_free(cr);
		return -1;
	}
	return 0;
}

void
bench_creds_free(struct bench_creds *cr)
{
	free(cr->client_key);
	free(cr->server_key);
	free(cr->client_chain);
	free(cr->server_chain);
	free(cr->ca);
	free(cr->pins);
	smsdtls_psk_store_free(cr->store);
	memset(cr, 0, sizeof(*cr));
}

/*
 * PSK: one identity.  RPK: each side pins the other's key.  X.509: both
 * send leaf + intermediate and trust the root only (a chain of 2 plus
 * the trust anchor), the client checks the host name.  Mutual
 * authentication in all three.
 */
void
bench_config(const struct bench_creds *cr, enum bench_mode mode,
    enum smsdtls_role role, struct smsdtls_config *cfg)
{
	bool server = role == SMSDTLS_SERVER;

	smsdtls_config_init(cfg);
	cfg->role = (uint8_t)role;
	switch (mode) {
	case BENCH_PSK:
		cfg->auth = SMSDTLS_AUTH_PSK;
		if (server)
			cfg->psk_store = cr->store;
		else {
			cfg->psk_identity = "device-0001";
			cfg->psk_key = bench_psk_key;
			cfg->psk_key_len = sizeof(bench_psk_key);
		}
		break;
	case BENCH_RPK:
		cfg->auth = SMSDTLS_AUTH_RPK;
		cfg->key = server ? cr->server_key : cr->client_key;
		cfg->key_len = server ? cr->server_key_len :
		    cr->client_key_len;
		cfg->rpk_pins = cr->pins;
		cfg->rpk_pins_len = cr->pins_len;
		break;
	default:
		cfg->auth = SMSDTLS_AUTH_X509;
		cfg->key = server ? cr->server_key : cr->client_key;
		cfg->key_len = server ? cr->server_key_len :
		    cr->client_key_len;
		cfg->cert = server ? cr->server_chain : cr->client_chain;
		cfg->cert_len = server ? cr->server_chain_len :
		    cr->client_chain_len;
		cfg->ca = cr->ca;
		cfg->ca_len = cr->ca_len;
		if (!server)
			cfg->server_name = BENCH_HOST;
		break;
	}
}

const char *
bench_mode_name(enum bench_mode mode)
{
	return mode < BENCH_NMODES ? mode_names[mode] : "?";
}

int
bench_mode_parse(const char *s)
{
	int i;

	for (i = 0; i < BENCH_NMODES; i++)
		if (strcmp(s, mode_names[i]) == 0)
			return i;
	return -1;
}

bool
bench_first_record(const uint8_t *data, size_t len, struct bench_rec *rec)
{
	size_t body;
	int i;

	if (len < REC_HEADER)
		return false;
	body = (size_t)data[11] << 8 | data[12];
	if (REC_HEADER + body > len)
		return false;
	rec->type = data[0];
	rec->epoch = (uint16_t)(data[3] << 8 | data[4]);
	rec->seq = 0;
	for (i = 5; i < 11; i++)
		rec->seq = rec->seq << 8 | data[i];
	rec->hs_type = -1;
	rec->hs_seq = -1;
	rec->hs_off = 0;
	if (rec->type == CT_HANDSHAKE && rec->epoch == 0 &&
	    body >= HS_HEADER) {
		const uint8_t *h = data + REC_HEADER;

		rec->hs_type = h[0];
		rec->hs_seq = (int32_t)(h[4] << 8 | h[5]);
		rec->hs_off = (uint32_t)h[6] << 16 | (uint32_t)h[7] << 8 | h[8];
	}
	return true;
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
bench_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), bench_cmp_double);
}

double
bench_percentile(const double *sorted, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return NAN;
	rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

size_t
bench_parse_list(const char *s, double *out, size_t max)
{
	size_t n = 0;
	char *end;
	double v;

	while (*s != '\0') {
		v = strtod(s, &end);
		if (end == s || n == max || !(v >= 0 && v <= 100))
			return 0;
		out[n++] = v;
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return 0;
	}
	return n;
}

/* ------------------------------------------------------------------ jobs */

struct bench_worker {
	pid_t	pid;
	int	fd;
};

/* Read what worker i wrote and reap it. */
static int
bench_collect(struct bench_worker *w, char *line)
{
	size_t got = 0;
	ssize_t n;
	int status;

	while (got < BENCH_LINE_MAX - 1 &&
	    (n = read(w->fd, line + got, BENCH_LINE_MAX - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	line[got] = '\0';
	close(w->fd);
	while (waitpid(w->pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	w->pid = 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
bench_spawn(struct bench_worker *w, unsigned i, bench_job_fn job, void *arg)
{
	char line[BENCH_LINE_MAX];
	int fds[2], rc;

	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	if ((w->pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (w->pid == 0) {
		close(fds[0]);
		line[0] = '\0';
		rc = job(i, line, sizeof(line), arg);
		if (write(fds[1], line, strlen(line)) < 0)
			rc = -1;
		_exit(rc == 0 ? 0 : 1);
	}
	close(fds[1]);
	w->fd = fds[0];
	return 0;
}

int
bench_run_jobs(const struct bench_opts *opts, unsigned count,
    bench_job_fn job, void *arg, FILE *out)
{
	struct bench_worker *w;
	char (*lines)[BENCH_LINE_MAX];
	unsigned i, next = 0, done = 0, jobs = opts->jobs;
	int rc = 0;

	lines = calloc(count > 0 ? count : 1, sizeof(*lines));
	w = calloc(count > 0 ? count : 1, sizeof(*w));
	if (lines == NULL || w == NULL) {
		free(lines);
		free(w);
		return -1;
	}
	if (jobs <= 1) {
		for (i = 0; i < count; i++)
			if (job(i, lines[i], sizeof(lines[i]), arg) != 0)
				rc = -1;
	} else {
		/* Start up to jobs workers; collect in order, which keeps
		 * at most jobs running since each waits for the oldest. */
		while (done < count) {
			for (; next < count && next - done < jobs; next++) {
				if (bench_spawn(&w[next], next, job, arg) == 0)
					continue;
				/* No worker: run it here. */
				w[next].pid = -1;
				if (job(next, lines[next], sizeof(lines[next]),
				    arg) != 0)
					rc = -1;
			}
			if (w[done].pid > 0 &&
			    bench_collect(&w[done], lines[done]) != 0)
				rc = -1;
			done++;
		}
	}
	for (i = 0; i < count; i++)
		fputs(lines[i], out);
	fflush(out);
	free(lines);
	free(w);
	return rc;
}

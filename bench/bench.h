/*
 * bench.h - what the smsdtls-bench subcommands share: options,
 * credentials for the three authentication modes, DTLS record helpers,
 * statistics and running independent jobs on several cores.
 *
 * Every subcommand prints CSV to its output: a header line, then one
 * line per configuration.  Figures are printed, never judged: timings
 * depend on the machine, counts on the seed.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <smsdtls/smsdtls.h>

/* Authentication modes measured. */
enum bench_mode {
	BENCH_PSK = 0,
	BENCH_RPK = 1,
	BENCH_X509 = 2,
	BENCH_NMODES = 3
};

#define BENCH_PMTU		133	/* SMS with WDP 16-bit ports */
#define BENCH_SERVER_NUMBER	"+447700900123"
#define BENCH_SERVER_PORT	5684
#define BENCH_CLIENT_PORT	16000	/* first of 16000-16999 */
#define BENCH_HOST		"gw.smsdtls.test"

struct bench_opts {
	uint64_t seed;
	unsigned jobs;		/* worker processes, >= 1 */
	const char *data_dir;	/* keys and certificates */
	int	mode;		/* enum bench_mode, or -1: all */
	/* loss-sweep */
	unsigned handshakes;	/* per point */
	unsigned devices;
	const char *losses;	/* "0,5,10" (percent) */
	int	policy;		/* 0 fixed, 1 learned, -1 both */
	/* capacity */
	unsigned sessions;
	unsigned gateway;	/* datagrams through smsdtlsd, 0: skip */
	const char *smsc_program;
	const char *daemon_program;
};

/* Keys, certificates and the PSK store, loaded once. */
struct bench_creds {
	uint8_t	*client_key, *server_key, *client_chain, *server_chain;
	uint8_t	*ca, *pins;
	size_t	client_key_len, server_key_len, client_chain_len;
	size_t	server_chain_len, ca_len, pins_len;
	struct smsdtls_psk_store *store;
};

int	bench_creds_load(struct bench_creds *cr, const char *dir);
void	bench_creds_free(struct bench_creds *cr);
/* A client or server config for mode, with the profile's defaults. */
void	bench_config(const struct bench_creds *cr, enum bench_mode mode,
	    enum smsdtls_role role, struct smsdtls_config *cfg);
const char *bench_mode_name(enum bench_mode mode);
int	bench_mode_parse(const char *s);

/* The first record of a datagram: content type, epoch, and for a
 * plaintext handshake record its message type and message_seq (-1
 * otherwise).  false if data does not start with a whole record. */
struct bench_rec {
	uint8_t	type;
	uint16_t epoch;
	uint64_t seq;
	int	hs_type;
	int32_t	hs_seq;
	uint32_t hs_off;	/* fragment offset */
};
bool	bench_first_record(const uint8_t *data, size_t len,
	    struct bench_rec *rec);

/* Nearest-rank percentile p (0-100) of n sorted values. */
double	bench_percentile(const double *sorted, size_t n, double p);
void	bench_sort(double *v, size_t n);

/* Parse "0,5,10" into at most max values; returns the count, or 0 on a
 * malformed list. */
size_t	bench_parse_list(const char *s, double *out, size_t max);

/*
 * Run jobs 0..count-1, job(i, line, linemax, arg) each writing one
 * output line, in up to opts->jobs worker processes; the lines are
 * printed to out in job order.  Returns 0, or -1 if a job failed.
 */
typedef int (*bench_job_fn)(unsigned i, char *line, size_t linemax,
    void *arg);
int	bench_run_jobs(const struct bench_opts *opts, unsigned count,
	    bench_job_fn job, void *arg, FILE *out);

/* The subcommands.  Return 0 on success. */
int	bench_handshake_cost(const struct bench_opts *opts,
	    const struct bench_creds *cr, FILE *out);
int	bench_loss_sweep(const struct bench_opts *opts,
	    const struct bench_creds *cr, FILE *out);
int	bench_capacity(const struct bench_opts *opts,
	    const struct bench_creds *cr, FILE *out);
/* Capacity's throughput line(s): smsdtlsd between the simulated SMSC
 * and a UDP upstream, in real time (gateway.c). */
int	bench_gateway(const struct bench_opts *opts, FILE *out);

#endif /* BENCH_BENCH_H */

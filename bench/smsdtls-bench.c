/*
 * smsdtls-bench.c - what DTLS over SMS costs: SMS per handshake, time to
 * a usable session and success under loss (virtual time over the
 * simulated SMSC), and what one gateway holds and computes.  One
 * subcommand per question, each printing CSV, one line per
 * configuration; `make bench` runs them all and writes
 * docs/BENCHMARKS.md (scripts/bench-report).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#ifndef BENCH_DATA_DIR
#define BENCH_DATA_DIR	"tests/data"
#endif
#ifndef BENCH_SMSC_PROGRAM
#define BENCH_SMSC_PROGRAM	"smsdtls-smsc"
#endif
#ifndef BENCH_DAEMON_PROGRAM
#define BENCH_DAEMON_PROGRAM	"smsdtlsd"
#endif

#define DEFAULT_LOSSES	"0,5,10,15,20,25,30,35,40,45,50"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: smsdtls-bench [options] COMMAND [command options]\n"
"\n"
"Commands (each prints CSV: a header, then one line per configuration):\n"
"  handshake-cost   SMS and bytes per flight, nothing lost: PSK, RPK,\n"
"                   X.509; full (cookie on, off) and resumed; smsdtls,\n"
"                   the floor, wolfSSL untrimmed and/or uncoalesced\n"
"  loss-sweep       success, time and SMS per handshake against SMS loss,\n"
"                   log-normal latency (median 7 s, p95 30 s), 10 min\n"
"                   deadline, fixed and learned retransmission timeout\n"
"  capacity         sessions per GiB (idle, active) and handshakes per\n"
"                   second per core on the gateway side; datagrams per\n"
"                   second through smsdtlsd over smsdtls-smsc's link\n"
"\n"
"Options:\n"
"  -s, --seed N         seed of the simulated network (default 1)\n"
"  -j, --jobs N         worker processes for loss-sweep (default: cores)\n"
"  -d, --data DIR       keys and certificates (default the source tree's\n"
"                       tests/data)\n"
"  -m, --mode M         psk, rpk or x509 only (default: all; loss-sweep:\n"
"                       psk)\n"
"  -n, --handshakes N   loss-sweep: handshakes per point (default 1000)\n"
"  -l, --loss LIST      loss-sweep: SMS loss in percent (default\n"
"                       " DEFAULT_LOSSES ")\n"
"  -D, --devices N      loss-sweep: devices sharing the handshakes;\n"
"                       capacity: devices sending through smsdtlsd\n"
"                       (default 20)\n"
"  -p, --policy P       loss-sweep: fixed, learned or both (default)\n"
"  -S, --sessions N     capacity: sessions held (default 2000)\n"
"  -G, --gateway N      capacity: round trips through smsdtlsd (default\n"
"                       4000; 0: skip)\n"
"      --smsc PATH      capacity: the smsdtls-smsc program\n"
"      --daemon PATH    capacity: the smsdtlsd program\n"
"  -q, --quick          a tiny run of everything (for tests)\n"
"  -h, --help\n");
}

static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < min || n > max)
		return -1;
	*v = (unsigned)n;
	return 0;
}

static int
parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "data", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "handshakes", required_argument, NULL, 'n' },
		{ "loss", required_argument, NULL, 'l' },
		{ "devices", required_argument, NULL, 'D' },
		{ "policy", required_argument, NULL, 'p' },
		{ "sessions", required_argument, NULL, 'S' },
		{ "gateway", required_argument, NULL, 'G' },
		{ "smsc", required_argument, NULL, 1 },
		{ "daemon", required_argument, NULL, 2 },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	double loss[64];
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "s:j:d:m:n:l:D:p:S:G:qh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 's':
			o->seed = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0')
				goto bad;
			break;
		case 'j':
			if (parse_uint(optarg, 1, 256, &o->jobs) != 0)
				goto bad;
			break;
		case 'd':
			o->data_dir = optarg;
			break;
		case 'm':
			if ((o->mode = bench_mode_parse(optarg)) < 0)
				goto bad;
			break;
		case 'n':
			if (parse_uint(optarg, 1, 10000000,
			    &o->handshakes) != 0)
				goto bad;
			break;
		case 'l':
			if (bench_parse_list(optarg, loss, 64) == 0)
				goto bad;
			o->losses = optarg;
			break;
		case 'D':
			if (parse_uint(optarg, 1, 1000, &o->devices) != 0)
				goto bad;
			break;
		case 'p':
			if (strcmp(optarg, "fixed") == 0)
				o->policy = 0;
			else if (strcmp(optarg, "learned") == 0)
				o->policy = 1;
			else if (strcmp(optarg, "both") == 0)
				o->policy = -1;
			else
				goto bad;
			break;
		case 'S':
			if (parse_uint(optarg, 1, 10000000, &o->sessions) != 0)
				goto bad;
			break;
		case 'G':
			if (parse_uint(optarg, 0, 10000000, &o->gateway) != 0)
				goto bad;
			break;
		case 1:
			o->smsc_program = optarg;
			break;
		case 2:
			o->daemon_program = optarg;
			break;
		case 'q':
			o->handshakes = 20;
			o->devices = 4;
			o->losses = "0,30";
			o->sessions = 20;
			o->gateway = 40;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	return 0;
bad:
	fprintf(stderr, "smsdtls-bench: bad value for -%c: %s\n", c, optarg);
	return -1;
}

int
main(int argc, char **argv)
{
	struct bench_opts o = { .seed = 1, .jobs = 1, .data_dir =
	    BENCH_DATA_DIR, .mode = -1, .handshakes = 1000, .devices = 20,
	    .losses = DEFAULT_LOSSES, .policy = -1, .sessions = 2000,
	    .gateway = 4000, .smsc_program = BENCH_SMSC_PROGRAM,
	    .daemon_program = BENCH_DAEMON_PROGRAM };
	struct bench_creds cr;
	const char *cmd;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	if (cores > 1)
		o.jobs = cores > 256 ? 256 : (unsigned)cores;
	if (parse_opts(argc, argv, &o) != 0 || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "handshake-cost") != 0 &&
	    strcmp(cmd, "loss-sweep") != 0 && strcmp(cmd, "capacity") != 0) {
		fprintf(stderr, "smsdtls-bench: unknown command %s\n", cmd);
		usage(stderr);
		return 2;
	}
	if (bench_creds_load(&cr, o.data_dir) != 0)
		return 1;
	if (strcmp(cmd, "handshake-cost") == 0)
		rc = bench_handshake_cost(&o, &cr, stdout);
	else if (strcmp(cmd, "loss-sweep") == 0)
		rc = bench_loss_sweep(&o, &cr, stdout);
	else
		rc = bench_capacity(&o, &cr, stdout);
	bench_creds_free(&cr);
	if (rc != 0)
		fprintf(stderr, "smsdtls-bench: %s failed\n", cmd);
	return rc == 0 ? 0 : 1;
}

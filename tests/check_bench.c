/*
 * check_bench.c - smoke test of smsdtls-bench: each subcommand runs in a
 * tiny configuration (--quick) and prints well-formed CSV: a header, the
 * expected rows, as many fields in every row as in the header, numbers
 * where numbers belong, and totals that agree with their parts.  No
 * timing is judged.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define MAX_ROWS	128
#define MAX_FIELDS	20
#define LINE_MAX_LEN	1024

struct csv {
	size_t	nf;			/* fields in the header */
	char	head[MAX_FIELDS][64];
	size_t	nrows;
	char	line[MAX_ROWS][LINE_MAX_LEN];
	char	*f[MAX_ROWS][MAX_FIELDS];
};

static struct csv csv;

/* Split line in place at commas into at most MAX_FIELDS fields. */
static size_t
split(char *line, char **f)
{
	size_t n = 0;
	char *p = line;

	line[strcspn(line, "\n")] = '\0';
	for (;;) {
		ck_assert_uint_lt(n, MAX_FIELDS);
		f[n++] = p;
		if ((p = strchr(p, ',')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Run smsdtls-bench with args; parse its CSV into csv. */
static void
run(const char *args)
{
	char cmd[1024], hdr[LINE_MAX_LEN], *hf[MAX_FIELDS];
	FILE *p;
	size_t i, n;

	snprintf(cmd, sizeof(cmd), "%s --quick --jobs 2 %s", BENCH_PROGRAM,
	    args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	memset(&csv, 0, sizeof(csv));
	ck_assert_ptr_nonnull(fgets(hdr, sizeof(hdr), p));
	csv.nf = split(hdr, hf);
	for (i = 0; i < csv.nf; i++)
		snprintf(csv.head[i], sizeof(csv.head[i]), "%s", hf[i]);
	while (csv.nrows < MAX_ROWS &&
	    fgets(csv.line[csv.nrows], LINE_MAX_LEN, p) != NULL) {
		n = split(csv.line[csv.nrows], csv.f[csv.nrows]);
		ck_assert_msg(n == csv.nf, "%s: row %zu has %zu fields, "
		    "header %zu", args, csv.nrows + 1, n, csv.nf);
		csv.nrows++;
	}
	ck_assert_int_eq(pclose(p), 0);
}

static size_t
col(const char *name)
{
	size_t i;

	for (i = 0; i < csv.nf; i++)
		if (strcmp(csv.head[i], name) == 0)
			return i;
	ck_abort_msg("no column %s", name);
	return 0;
}

static const char *
get(size_t row, const char *name)
{
	return csv.f[row][col(name)];
}

/* A number: "nan" only where allowed. */
static double
num(size_t row, const char *name, bool nan_ok)
{
	const char *s = get(row, name);
	char *end;
	double v = strtod(s, &end);

	ck_assert_msg(*s != '\0' && *end == '\0', "%s: not a number: '%s'",
	    name, s);
	ck_assert_msg(nan_ok || !isnan(v), "%s is nan", name);
	return v;
}

START_TEST(test_handshake_cost)
{
	unsigned flights, sms, sum_sms, c;
	size_t r, bytes, sum_bytes, b, smsdtls_sms = 0;
	const char *pf;
	int used;

	run("handshake-cost");
	/* 3 modes x (full with cookie, without, resumed) x 5 stacks. */
	ck_assert_uint_eq(csv.nrows, 45);
	for (r = 0; r < csv.nrows; r++) {
		ck_assert_str_eq(get(r, "pmtu"), "133");
		if (strncmp(get(r, "result"), "not ", 4) == 0) {
			ck_assert_str_eq(get(r, "sms"), "");
			continue;
		}
		flights = (unsigned)num(r, "flights", false);
		sms = (unsigned)num(r, "sms", false);
		bytes = (size_t)num(r, "bytes", false);
		/* per_flight "NxB NxB ...": one per flight, adding up. */
		pf = get(r, "per_flight");
		sum_sms = 0;
		sum_bytes = 0;
		for (c = 0; *pf != '\0'; c++) {
			ck_assert_int_eq(sscanf(pf, "%ux%zu%n", &sms, &b,
			    &used), 2);
			ck_assert_uint_ge(sms, 1);
			sum_sms += sms;
			sum_bytes += b;
			pf += used;
			pf += *pf == ' ';
		}
		ck_assert_uint_eq(c, flights);
		ck_assert_uint_eq(sum_sms, (unsigned)num(r, "sms", false));
		ck_assert_uint_eq(sum_bytes, bytes);
		if (strcmp(get(r, "result"), "ok") != 0)
			continue;
		/* The floor never exceeds what smsdtls sent, which comes
		 * just before it. */
		if (strcmp(get(r, "impl"), "smsdtls") == 0)
			smsdtls_sms = sum_sms;
		if (strcmp(get(r, "impl"), "floor") == 0)
			ck_assert_uint_le(sum_sms, smsdtls_sms);
		ck_assert_uint_ge(sum_sms, flights);
	}
	ck_assert_str_eq(get(0, "mode"), "psk");
	ck_assert_str_eq(get(0, "impl"), "smsdtls");
	ck_assert_str_eq(get(0, "result"), "ok");
}
END_TEST

START_TEST(test_loss_sweep)
{
	double n, ok, p50, p95, max;
	size_t r;

	run("loss-sweep");
	/* --quick: losses 0 and 30, both policies. */
	ck_assert_uint_eq(csv.nrows, 4);
	for (r = 0; r < csv.nrows; r++) {
		ck_assert_str_eq(get(r, "policy"), r < 2 ? "fixed" : "learned");
		n = num(r, "handshakes", false);
		ok = num(r, "ok", false);
		ck_assert(n == 20 && ok <= n);
		ck_assert(fabs(num(r, "success_pct", false) - 100 * ok / n) <
		    0.1);
		if (ok == 0)
			continue;
		p50 = num(r, "median_s", false);
		p95 = num(r, "p95_s", false);
		max = num(r, "max_s", false);
		ck_assert(p50 > 0 && p50 <= p95 && p95 <= max && max <= 600);
		/* At least one SMS per flight of a PSK handshake. */
		ck_assert(num(r, "sms_per_ok", false) >= 6);
		ck_assert(num(r, "spurious_per_ok", false) <=
		    num(r, "retx_per_ok", false));
		(void)num(r, "sms_per_failed", true);
	}
	ck_assert(num(0, "lost_per_ok", false) == 0);
}
END_TEST

/* An empty heap figure must say why (a sanitizer build's allocator
 * keeps glibc's counters at zero). */
static bool
unmeasurable(size_t row)
{
	if (*get(row, "value") != '\0')
		return false;
	ck_assert_ptr_nonnull(strstr(get(row, "note"), "not measurable"));
	ck_assert(strstr(get(row, "figure"), "heap") != NULL ||
	    strstr(get(row, "figure"), "gib") != NULL);
	return true;
}

START_TEST(test_capacity)
{
	static const char *const figures[] = {
		"handshakes_per_s_per_core", "gateway_cpu_per_handshake",
		"heap_per_session_idle", "sessions_per_gib_idle",
		"heap_per_session_active", "sessions_per_gib_active",
		"heap_per_session_parked", "sessions_per_gib_parked",
		"rss_per_session_idle", "rss_per_session_active"
	};
	static const char *const modes[] = { "psk", "rpk", "x509" };
	size_t r, i, m;
	bool found;

	run("capacity");
	for (m = 0; m < 3; m++)
		for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
			found = false;
			for (r = 0; r < csv.nrows; r++)
				if (strcmp(get(r, "figure"), figures[i]) == 0 &&
				    strcmp(get(r, "mode"), modes[m]) == 0) {
					found = true;
					ck_assert_str_eq(get(r, "n"), "20");
					if (!unmeasurable(r))
						(void)num(r, "value", false);
				}
			ck_assert_msg(found, "%s %s", figures[i], modes[m]);
		}
	for (r = 0; r < csv.nrows; r++)
		if ((strstr(get(r, "figure"), "per_s_per_core") != NULL ||
		    strstr(get(r, "figure"), "heap_per_session") != NULL) &&
		    !unmeasurable(r))
			ck_assert(num(r, "value", false) > 0);
	/* The gateway line is there: measured, or saying what it needs or
	 * why it failed. */
	for (r = 0; r < csv.nrows; r++)
		if (strcmp(get(r, "figure"), "gateway_datagrams_per_s") == 0)
			break;
	ck_assert_uint_lt(r, csv.nrows);
	if (*get(r, "value") != '\0')
		ck_assert(num(r, "value", false) > 0);
	else
		ck_assert_msg(strncmp(get(r, "note"), "needs ", 6) == 0 ||
		    strncmp(get(r, "note"), "failed: ", 8) == 0, "%s",
		    get(r, "note"));
}
END_TEST

START_TEST(test_bad_usage)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s no-such-command 2>/dev/null",
	    BENCH_PROGRAM);
	ck_assert_int_ne(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s --loss 0,x loss-sweep 2>/dev/null",
	    BENCH_PROGRAM);
	ck_assert_int_ne(system(cmd), 0);
}
END_TEST

static Suite *
bench_suite(void)
{
	Suite *s = suite_create("bench");
	TCase *tc = tcase_create("smoke");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_handshake_cost);
	tcase_add_test(tc, test_loss_sweep);
	tcase_add_test(tc, test_capacity);
	tcase_add_test(tc, test_bad_usage);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(bench_suite)

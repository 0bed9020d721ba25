/*
 * smsdtls-pdu - decode and encode SMS PDUs as AT PDU mode (3GPP TS
 * 27.005 3.1) shows them: SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT
 * of TS 23.040 9.2.2, with the user data header of 9.2.3.24, the
 * validity period of 9.2.3.12 and TP-ST of 9.2.3.15.
 *
 * A tool for whoever debugs a modem: it reads PDUs from its arguments or
 * from a pasted AT log on standard input (using the length of +CMGR,
 * +CMGL, +CMT, +CDS or AT+CMGS lines to tell whether an SMSC prefix is
 * there), and builds PDUs ready for AT+CMGS.
 *
 * It links only the public libsmsdtls API; the GSM 7-bit helpers it
 * shares with the library are static inline in transport/tpdu_fields.h.
 */
#include "config.h"

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <smsdtls/smsdtls.h>

#include "transport/tpdu_fields.h"

#define EXIT_INPUT	1	/* bad input: cannot decode or encode */
#define EXIT_USAGE	2

#define LINE_MAX_LEN	4096
#define NO_HINT		(-1L)
#define HEX_CHARS	"0123456789ABCDEFabcdef \t"
#define CTRL_Z		0x1a

enum smsc_mode { SMSC_AUTO, SMSC_WITH, SMSC_WITHOUT };

struct decode_opts {
	enum smsc_mode	smsc;
	int		type;		/* -1: any */
};

struct encode_opts {
	int		 type;
	const char	*peer;		/* --to or --from */
	const char	*smsc;		/* NULL: "00" */
	bool		 no_smsc;
	long		 src_port, dst_port;
	bool		 ports8;
	const char	*concat;
	bool		 concat16;
	long		 vp;		/* -1: none */
	unsigned	 vp_accept;
	bool		 srr, rd, rp;
	unsigned long	 mr, pid, dcs;
	bool		 dcs_set;
	const char	*scts;
	const char	*data;
	const char	*text;
};

static void		usage(FILE *fp);
static int		cmd_decode(int argc, char **argv);
static int		cmd_encode(int argc, char **argv);
static int		decode_stream(const struct decode_opts *o, FILE *fp);
static long		line_hint(const char *line);
static int		decode_hex(const struct decode_opts *o,
			    const char *hex, long hint, const char *where);
static smsdtls_rc	decode_one(const struct decode_opts *o,
			    const uint8_t *pdu, size_t len, bool with_smsc,
			    struct smsdtls_tpdu *t);
static smsdtls_rc	decode_pdu(const struct decode_opts *o,
			    const uint8_t *pdu, size_t len, long hint,
			    struct smsdtls_tpdu *t);
static void		print_tpdu(const struct smsdtls_tpdu *t,
			    const uint8_t *pdu, size_t len);
static void		print_header(const struct smsdtls_tpdu *t,
			    size_t tpdu_len, size_t smsc_len);
static void		print_fo(const struct smsdtls_tpdu *t, uint8_t fo);
static void		print_addr(const char *label,
			    const struct smsdtls_addr *a);
static void		print_pid(uint8_t pid);
static void		print_dcs(uint8_t dcs);
static void		print_vp(const struct smsdtls_vp *vp);
static void		print_scts(const char *label,
			    const struct smsdtls_scts *ts);
static const char	*fmt_scts(const struct smsdtls_scts *ts, char *buf,
			    size_t len);
static bool		dcs_septets(uint8_t dcs);
static void		print_st(uint8_t st);
static void		print_ud(const struct smsdtls_tpdu *t);
static void		print_udh(const struct smsdtls_udh *u,
			    const uint8_t *ud, size_t hdrlen);
static void		print_text(const struct smsdtls_tpdu *t);
static void		print_escaped(const char *s);
static void		print_hex(const uint8_t *p, size_t n);
static const char	*duration(uint32_t s, char *buf, size_t len);
static const char	*ton_name(uint8_t ton);
static const char	*npi_name(uint8_t npi);
static const char	*st_reason(uint8_t st);
static size_t		ucs2_to_utf8(const uint8_t *p, size_t n, char *out,
			    size_t outlen);
static int		encode_opt(int c, const char *arg,
			    struct encode_opts *o);
static int		encode_check(const struct encode_opts *o);
static int		encode_parse(int argc, char **argv,
			    struct encode_opts *o);
static int		encode_build(const struct encode_opts *o,
			    struct smsdtls_tpdu *t);
static int		build_addrs(const struct encode_opts *o,
			    struct smsdtls_tpdu *t);
static int		build_vp(const struct encode_opts *o,
			    struct smsdtls_tpdu *t);
static int		build_udh(const struct encode_opts *o,
			    struct smsdtls_tpdu *t);
static int		build_data(const struct encode_opts *o,
			    struct smsdtls_tpdu *t);
static int		build_text_gsm7(const char *text,
			    struct smsdtls_tpdu *t);
static int		build_text_ucs2(const char *text,
			    struct smsdtls_tpdu *t);
static int		parse_ulong(const char *s, unsigned long max,
			    const char *what, unsigned long *v);
static int		parse_scts(const char *s, struct smsdtls_scts *ts);
static int		now_scts(struct smsdtls_scts *ts);
static int		parse_vp_formats(const char *s, unsigned *accept);
static int		parse_concat(const char *s, bool c16,
			    struct smsdtls_udh *u);
static int		parse_type(const char *s, bool any, int *type);

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("smsdtls-pdu (smsdtls) %s\n", smsdtls_version());
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "decode") == 0)
		return cmd_decode(argc - 1, argv + 1);
	if (strcmp(argv[1], "encode") == 0)
		return cmd_encode(argc - 1, argv + 1);
	warnx("unknown command: %s", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: smsdtls-pdu decode [--no-smsc | --with-smsc]\n"
"           [--type deliver|submit|status|any] [HEX ...]\n"
"       smsdtls-pdu encode [--type submit|deliver] --to|--from NUMBER\n"
"           [--smsc NUMBER | --no-smsc] [--src-port N --dst-port N]\n"
"           [--ports8] [--concat REF,TOTAL,SEQ [--concat16]]\n"
"           [--vp SECONDS [--vp-formats LIST]] [--srr] [--rd] [--rp]\n"
"           [--mr N] [--pid N] [--scts TIME] [--dcs N]\n"
"           [--data HEX | --text TEXT]\n"
"       smsdtls-pdu --help | --version\n");
}

/* ----------------------------------------------------------- decode */

static int
cmd_decode(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-smsc", no_argument, NULL, 'n' },
		{ "with-smsc", no_argument, NULL, 'w' },
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char progname[] = "smsdtls-pdu decode";
	struct decode_opts o = { SMSC_AUTO, -1 };
	int c, i, status = EXIT_SUCCESS;
	char where[32];

	argv[0] = progname;		/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "nwt:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.smsc = SMSC_WITHOUT;
			break;
		case 'w':
			o.smsc = SMSC_WITH;
			break;
		case 't':
			if (parse_type(optarg, true, &o.type) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return decode_stream(&o, stdin);
	for (i = optind; i < argc; i++) {
		snprintf(where, sizeof(where), "argument %d", i - optind + 1);
		if (decode_hex(&o, argv[i], NO_HINT, where) != 0)
			status = EXIT_INPUT;
	}
	return status;
}

/*
 * Decode each hex line of fp.  AT command lines, final results and
 * prompts are skipped; the length a +CMGR/+CMGL/+CMT/+CDS/AT+CMGS line
 * gives is the TPDU length of the PDU on the next line.
 */
static int
decode_stream(const struct decode_opts *o, FILE *fp)
{
	char line[LINE_MAX_LEN], where[32], *s, *e;
	long hint = NO_HINT, n = 0;
	int status = EXIT_SUCCESS;

	while (fgets(line, sizeof(line), fp) != NULL) {
		n++;
		for (s = line; isspace((unsigned char)*s); s++)
			continue;
		e = s + strlen(s);
		while (e > s && (isspace((unsigned char)e[-1]) ||
		    e[-1] == CTRL_Z))
			*--e = '\0';
		if (*s == '>')			/* the AT+CMGS prompt */
			for (s++; isspace((unsigned char)*s); s++)
				continue;
		if (*s == '\0')
			continue;
		if (s[strspn(s, HEX_CHARS)] != '\0') {
			hint = line_hint(s);
			continue;
		}
		snprintf(where, sizeof(where), "line %ld", n);
		if (decode_hex(o, s, hint, where) != 0)
			status = EXIT_INPUT;
		hint = NO_HINT;
	}
	if (ferror(fp)) {
		warn("standard input");
		return EXIT_INPUT;
	}
	return status;
}

/* The TPDU length announced by a result or command line, or NO_HINT. */
static long
line_hint(const char *line)
{
	static const char *const heads[] = {
		"+CMGR:", "+CMGL:", "+CMT:", "+CDS:", "AT+CMGS=", "AT+CMGW=",
		"at+cmgs="
	};
	const char *p;
	char *end;
	size_t i;
	long v;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (strncmp(line, heads[i], strlen(heads[i])) == 0)
			break;
	if (i == sizeof(heads) / sizeof(heads[0]))
		return NO_HINT;
	/* The length is the last comma-separated field (first for AT). */
	p = strrchr(line, ',');
	p = p != NULL && line[0] == '+' ? p + 1 : line + strlen(heads[i]);
	errno = 0;
	v = strtol(p, &end, 10);
	if (end == p || errno != 0 || v < 0 || v > SMSDTLS_PDU_MAX)
		return NO_HINT;
	return v;
}

static int
decode_hex(const struct decode_opts *o, const char *hex, long hint,
    const char *where)
{
	struct smsdtls_tpdu t;
	uint8_t pdu[LINE_MAX_LEN / 2];
	size_t len;
	smsdtls_rc rc;

	rc = smsdtls_hex_decode(hex, pdu, sizeof(pdu), &len);
	if (rc != SMSDTLS_OK) {
		warnx("%s: not a hex PDU: %s", where, smsdtls_strerror(rc));
		return -1;
	}
	rc = decode_pdu(o, pdu, len, hint, &t);
	if (rc != SMSDTLS_OK) {
		warnx("%s: cannot decode the PDU: %s%s%s", where,
		    smsdtls_strerror(rc), o->type >= 0 ?
		    " (is it of that --type?)" : "",
		    o->smsc == SMSC_AUTO && hint == NO_HINT ?
		    " (tried with and without an SMSC prefix)" : "");
		return -1;
	}
	print_tpdu(&t, pdu, len);
	return 0;
}

static smsdtls_rc
decode_one(const struct decode_opts *o, const uint8_t *pdu, size_t len,
    bool with_smsc, struct smsdtls_tpdu *t)
{
	if (o->type < 0)
		return smsdtls_tpdu_decode_any(pdu, len, with_smsc, t);
	return smsdtls_tpdu_decode(pdu, len, with_smsc,
	    (enum smsdtls_tpdu_type)o->type, t);
}

/*
 * Is the SMSC prefix there?  A length hint settles it; otherwise try
 * with the prefix (what +CMGR, +CMGL and +CMT show) and then without.
 */
static smsdtls_rc
decode_pdu(const struct decode_opts *o, const uint8_t *pdu, size_t len,
    long hint, struct smsdtls_tpdu *t)
{
	smsdtls_rc rc;

	if (o->smsc == SMSC_WITH)
		return decode_one(o, pdu, len, true, t);
	if (o->smsc == SMSC_WITHOUT)
		return decode_one(o, pdu, len, false, t);
	if (hint != NO_HINT && (size_t)hint == len)
		return decode_one(o, pdu, len, false, t);
	rc = decode_one(o, pdu, len, true, t);
	if (rc == SMSDTLS_OK || hint != NO_HINT)
		return rc;
	if (decode_one(o, pdu, len, false, t) == SMSDTLS_OK)
		return SMSDTLS_OK;
	return rc;
}

/* --------------------------------------------------------- printing */

static void
print_tpdu(const struct smsdtls_tpdu *t, const uint8_t *pdu, size_t len)
{
	size_t smsc_len = t->has_smsc ? 1u + pdu[0] : 0;

	print_header(t, len - smsc_len, smsc_len);
	if (t->has_smsc)
		print_addr("SMSC", &t->smsc);
	print_fo(t, pdu[smsc_len]);
	if (t->type != SMSDTLS_TPDU_DELIVER)
		printf("  %-5s %u\n", "MR", t->mr);
	print_addr(t->type == SMSDTLS_TPDU_SUBMIT ? "DA" :
	    t->type == SMSDTLS_TPDU_DELIVER ? "OA" : "RA", &t->addr);
	if (t->type == SMSDTLS_TPDU_STATUS_REPORT) {
		print_scts("SCTS", &t->scts);
		print_scts("DT", &t->dt);
		print_st(t->st);
		if (!t->has_pi) {
			printf("\n");
			return;
		}
		printf("  %-5s 0x%02X\n", "PI", t->pi);
	}
	if (t->type != SMSDTLS_TPDU_STATUS_REPORT ||
	    (t->pi & SMSDTLS_PI_PID))
		print_pid(t->pid);
	if (t->type != SMSDTLS_TPDU_STATUS_REPORT ||
	    (t->pi & SMSDTLS_PI_DCS))
		print_dcs(t->dcs);
	if (t->type == SMSDTLS_TPDU_SUBMIT)
		print_vp(&t->vp);
	if (t->type == SMSDTLS_TPDU_DELIVER)
		print_scts("SCTS", &t->scts);
	if (t->type != SMSDTLS_TPDU_STATUS_REPORT ||
	    (t->pi & SMSDTLS_PI_UDL))
		print_ud(t);
	printf("\n");
}

static void
print_header(const struct smsdtls_tpdu *t, size_t tpdu_len, size_t smsc_len)
{
	static const char *const names[] = {
		"SMS-DELIVER", "SMS-SUBMIT", "SMS-STATUS-REPORT"
	};

	printf("%s, %zu octets", names[t->type], tpdu_len);
	if (t->type == SMSDTLS_TPDU_SUBMIT)
		printf(" (AT+CMGS=%zu)", tpdu_len);
	if (t->has_smsc)
		printf(", SMSC prefix %zu octet%s", smsc_len,
		    smsc_len == 1 ? "" : "s");
	else
		printf(", no SMSC prefix");
	printf("\n");
}

static void
print_fo(const struct smsdtls_tpdu *t, uint8_t fo)
{
	static const char *const vpf[] = {
		"none", "enhanced", "relative", "absolute"
	};

	printf("  %-5s 0x%02X:", "FO", fo);
	if (t->reply_path)
		printf(" RP");
	if (t->udhi)
		printf(" UDHI");
	if (t->type == SMSDTLS_TPDU_SUBMIT) {
		printf("%s%s VPF=%s\n", t->status_report ? " SRR" : "",
		    t->reject_duplicates ? " RD" : "", vpf[t->vp.format & 3]);
		return;
	}
	if (t->type == SMSDTLS_TPDU_DELIVER && t->status_report)
		printf(" SRI");
	printf("%s MMS=%d (%s)", t->loop_prevention ? " LP" : "",
	    !t->more_messages, t->more_messages ? "more messages waiting" :
	    "no more messages");
	if (t->type == SMSDTLS_TPDU_STATUS_REPORT)
		printf(", SRQ=%d (report on %s)", t->status_report,
		    t->status_report ? "a COMMAND" : "a SUBMIT");
	printf("\n");
}

static void
print_addr(const char *label, const struct smsdtls_addr *a)
{
	char buf[SMSDTLS_ADDR_TEXT_MAX + 2];

	if (a->text[0] == '\0') {
		printf("  %-5s (empty%s)\n", label, strcmp(label, "SMSC") == 0 ?
		    ": the modem uses its AT+CSCA default" : "");
		return;
	}
	printf("  %-5s ", label);
	if (a->ton == SMSDTLS_TON_ALPHANUMERIC)
		print_escaped(a->text);
	else if (smsdtls_addr_format(a, buf, sizeof(buf)) == SMSDTLS_OK)
		printf("%s", buf);
	else
		printf("%s", a->text);
	printf(" (%s, %s)\n", ton_name(a->ton), npi_name(a->npi));
}

static void
print_pid(uint8_t pid)
{
	const char *what = "";

	if (pid == 0x00)
		what = " (SME to SME)";
	else if (pid >= 0x20 && pid <= 0x3f)
		what = " (telematic interworking)";
	else if (pid == 0x40)
		what = " (short message type 0: acknowledged, discarded)";
	else if (pid >= 0x41 && pid <= 0x47)
		what = " (replace short message)";
	else if (pid == 0x7f)
		what = " ((U)SIM data download)";
	printf("  %-5s 0x%02X%s\n", "PID", pid, what);
}

static void
print_dcs(uint8_t dcs)
{
	static const char *const alpha[] = {
		"GSM 7-bit", "8-bit data", "UCS2", "reserved coding"
	};
	int cls = -1;

	printf("  %-5s 0x%02X (%s", "DCS", dcs,
	    alpha[smsdtls_dcs_alphabet(dcs)]);
	if (dcs < 0x80 && (dcs & 0x20))
		printf(", compressed");
	if (dcs < 0x80 && (dcs & 0x10))
		cls = dcs & 3;
	if ((dcs & 0xf0) == 0xf0)
		cls = dcs & 3;
	if (dcs >= 0x40 && dcs < 0x80)
		printf(", automatic deletion");
	if (dcs >= 0xc0 && dcs < 0xf0)
		printf(", message waiting indication %s",
		    dcs & 0x08 ? "on" : "off");
	if (cls >= 0)
		printf(", class %d", cls);
	else if (dcs < 0xc0)
		printf(", no class");
	printf(")\n");
}

static void
print_vp(const struct smsdtls_vp *vp)
{
	static const char *const fi[] = {
		"no VP", "relative octet", "seconds", "hh:mm:ss"
	};
	char buf[64];
	uint32_t s;
	smsdtls_rc rc;

	if (vp->format == SMSDTLS_VPF_NONE)
		return;
	printf("  %-5s ", "VP");
	if (vp->format == SMSDTLS_VPF_RELATIVE)
		printf("relative 0x%02X", vp->relative);
	else if (vp->format == SMSDTLS_VPF_ENHANCED) {
		printf("enhanced ");
		print_hex(vp->enhanced, sizeof(vp->enhanced));
		printf(" (%s%s)", (vp->enhanced[0] & 7) < 4 ?
		    fi[vp->enhanced[0] & 7] : "reserved format",
		    vp->enhanced[0] & 0x40 ? ", single shot" : "");
	} else
		printf("absolute %s", fmt_scts(&vp->absolute, buf,
		    sizeof(buf)));
	rc = smsdtls_vp_seconds(vp, (int64_t)time(NULL), &s);
	if (rc == SMSDTLS_OK)
		printf(": %s%s\n", duration(s, buf, sizeof(buf)),
		    vp->format == SMSDTLS_VPF_ABSOLUTE ? " from now" : "");
	else
		printf(": no duration (%s)\n", smsdtls_strerror(rc));
}

static void
print_scts(const char *label, const struct smsdtls_scts *ts)
{
	char buf[64];

	printf("  %-5s %s\n", label, fmt_scts(ts, buf, sizeof(buf)));
}

/* ISO 8601 with the zone offset: 2024-03-15T14:30:45+01:00. */
static const char *
fmt_scts(const struct smsdtls_scts *ts, char *buf, size_t len)
{
	int q = ts->tz < 0 ? -ts->tz : ts->tz;

	snprintf(buf, len, "%04u-%02u-%02uT%02u:%02u:%02u%c%02d:%02d",
	    ts->year, ts->month, ts->day, ts->hour, ts->minute, ts->second,
	    ts->tz < 0 ? '-' : '+', q / 4, q % 4 * 15);
	return buf;
}

static void
print_st(uint8_t st)
{
	const char *kind;

	if (st & 0x80)
		kind = "reserved";
	else if (st < 0x20)
		kind = "completed";
	else if (st < 0x40)
		kind = "temporary error, SC still trying";
	else if (st < 0x60)
		kind = "permanent error, SC gave up";
	else
		kind = "temporary error, SC gave up";
	printf("  %-5s 0x%02X %s: %s\n", "ST", st, kind, st_reason(st));
}

static const char *
st_reason(uint8_t st)
{
	static const char *const done[] = {
		"short message received by the SME",
		"forwarded by the SC to the SME, delivery not confirmed",
		"short message replaced by the SC"
	};
	static const char *const temp[] = {
		"congestion", "SME busy", "no response from SME",
		"service rejected", "quality of service not available",
		"error in SME"
	};
	static const char *const perm[] = {
		"remote procedure error", "incompatible destination",
		"connection rejected by SME", "not obtainable",
		"quality of service not available", "no interworking available",
		"validity period expired", "deleted by the originating SME",
		"deleted by SC administration", "short message does not exist"
	};
	uint8_t low = st & 0x1f;

	if (st & 0x80)
		return "reserved value";
	if ((st & 0x1f) >= 0x10)
		return "SC-specific value";
	if (st < 0x20)
		return low < 3 ? done[low] : "reserved value";
	if (st >= 0x40 && st < 0x60)
		return low < 10 ? perm[low] : "reserved value";
	return low < 6 ? temp[low] : "reserved value";
}

/* Does TP-UDL count septets (TS 23.040 9.2.3.16, TS 23.038 4)? */
static bool
dcs_septets(uint8_t dcs)
{
	enum smsdtls_alphabet a = smsdtls_dcs_alphabet(dcs);

	if (dcs < 0x80 && (dcs & 0x20))		/* compressed */
		return false;
	return a == SMSDTLS_ALPHABET_GSM7 || a == SMSDTLS_ALPHABET_RESERVED;
}

static void
print_ud(const struct smsdtls_tpdu *t)
{
	if (dcs_septets(t->dcs))
		printf("  %-5s %u septets (%zu octets)\n", "UDL", t->udl,
		    t->ud_len);
	else
		printf("  %-5s %u octets\n", "UDL", t->udl);
	if (t->udhi)
		print_udh(&t->udh, t->ud, t->payload_off);
	printf("  %-5s %zu octets: ", "Data", t->ud_len - t->payload_off);
	print_hex(t->ud + t->payload_off, t->ud_len - t->payload_off);
	printf("\n");
	print_text(t);
}

static void
print_udh(const struct smsdtls_udh *u, const uint8_t *ud, size_t hdrlen)
{
	printf("  %-5s %zu octets: ", "UDH", hdrlen);
	print_hex(ud, hdrlen);
	printf("\n");
	if (u->has_ports)
		printf("  %-5s dst %u, src %u (%s-bit)\n", "Ports", u->dst_port,
		    u->src_port, u->ports16 ? "16" : "8");
	if (u->has_concat)
		printf("  %-5s %u of %u, reference %u (%s-bit)\n",
		    "Part", u->concat_seq, u->concat_total, u->concat_ref,
		    u->concat16 ? "16" : "8");
	if (u->unknown_ies > 0)
		printf("  %-5s %u other element%s\n", "", u->unknown_ies,
		    u->unknown_ies == 1 ? "" : "s");
}

/* The payload as text, for GSM 7-bit and UCS2 data. */
static void
print_text(const struct smsdtls_tpdu *t)
{
	enum smsdtls_alphabet a = smsdtls_dcs_alphabet(t->dcs);
	uint8_t sept[160];
	char text[160 * 3 + 1];
	size_t bits, skip, n;

	if (a == SMSDTLS_ALPHABET_UCS2) {
		ucs2_to_utf8(t->ud + t->payload_off,
		    t->ud_len - t->payload_off, text, sizeof(text));
	} else if (dcs_septets(t->dcs)) {
		/* The text starts on the septet boundary after the UDH. */
		skip = (t->payload_off * 8 + 6) / 7;
		bits = skip * 7;
		if (skip > t->udl)
			return;
		n = tpdu_gsm7_unpack(t->ud, t->ud_len, bits, sept,
		    t->udl - skip);
		if (tpdu_gsm7_to_utf8(sept, n, text, sizeof(text)) ==
		    (size_t)-1)
			return;
	} else
		return;
	printf("  %-5s \"", "Text");
	print_escaped(text);
	printf("\"\n");
}

/* UTF-8 with control characters escaped as in C. */
static void
print_escaped(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			printf("\\n");
		else if (*s == '\r')
			printf("\\r");
		else if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
}

static void
print_hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02X", p[i]);
}

/* "3600 s (1h)", "20 s", "1209600 s (14d)". */
static const char *
duration(uint32_t s, char *buf, size_t len)
{
	char parts[48] = "";
	static const struct { uint32_t n; char unit; } u[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' }
	};
	size_t i, used = 0;
	uint32_t left = s;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		if (left < u[i].n)
			continue;
		used += (size_t)snprintf(parts + used, sizeof(parts) - used,
		    "%u%c", left / u[i].n, u[i].unit);
		left %= u[i].n;
	}
	if (s < 60)
		snprintf(buf, len, "%u s", s);
	else
		snprintf(buf, len, "%u s (%s)", s, parts);
	return buf;
}

static const char *
ton_name(uint8_t ton)
{
	static const char *const names[] = {
		"unknown", "international", "national", "network-specific",
		"subscriber", "alphanumeric", "abbreviated", "reserved"
	};

	return names[ton & 7];
}

static const char *
npi_name(uint8_t npi)
{
	switch (npi) {
	case SMSDTLS_NPI_UNKNOWN: return "unknown plan";
	case SMSDTLS_NPI_E164: return "E.164";
	case SMSDTLS_NPI_X121: return "X.121";
	case SMSDTLS_NPI_TELEX: return "telex";
	case SMSDTLS_NPI_NATIONAL: return "national plan";
	case SMSDTLS_NPI_PRIVATE: return "private plan";
	case SMSDTLS_NPI_ERMES: return "ERMES";
	default: return "reserved plan";
	}
}

/* UTF-16BE to NUL-terminated UTF-8; bad surrogates become U+FFFD. */
static size_t
ucs2_to_utf8(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;
	unsigned long c, lo;

	for (i = 0; i + 1 < n && o + 5 < outlen; i += 2) {
		c = (unsigned long)p[i] << 8 | p[i + 1];
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < n &&
		    (lo = (unsigned long)p[i + 2] << 8 | p[i + 3]) >= 0xdc00 &&
		    lo < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c < 0x80)
			out[o++] = (char)c;
		else if (c < 0x800) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | c >> 18);
			out[o++] = (char)(0x80 | (c >> 12 & 0x3f));
			out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
	return o;
}

/* ----------------------------------------------------------- encode */

static int
cmd_encode(int argc, char **argv)
{
	struct encode_opts o;
	struct smsdtls_tpdu t;
	uint8_t pdu[SMSDTLS_PDU_MAX];
	char hex[2 * SMSDTLS_PDU_MAX + 1];
	size_t len, tlen;
	smsdtls_rc rc;
	int r;

	if ((r = encode_parse(argc, argv, &o)) >= 0)
		return r;
	if ((r = encode_build(&o, &t)) != 0)
		return r;
	rc = smsdtls_tpdu_encode(&t, pdu, sizeof(pdu), &len, &tlen);
	if (rc == SMSDTLS_OK)
		rc = smsdtls_hex_encode(pdu, len, hex, sizeof(hex));
	if (rc != SMSDTLS_OK) {
		warnx("cannot encode the PDU: %s", smsdtls_strerror(rc));
		return EXIT_INPUT;
	}
	if (t.type == SMSDTLS_TPDU_SUBMIT)
		printf("AT+CMGS=%zu\n%s\n", tlen, hex);
	else
		printf("+CMT: ,%zu\n%s\n", tlen, hex);
	return EXIT_SUCCESS;
}

static const struct option encode_longopts[] = {
	{ "type", required_argument, NULL, 't' },
	{ "to", required_argument, NULL, 'T' },
	{ "from", required_argument, NULL, 'F' },
	{ "smsc", required_argument, NULL, 'S' },
	{ "no-smsc", no_argument, NULL, 'N' },
	{ "src-port", required_argument, NULL, 's' },
	{ "dst-port", required_argument, NULL, 'd' },
	{ "ports8", no_argument, NULL, '8' },
	{ "concat", required_argument, NULL, 'c' },
	{ "concat16", no_argument, NULL, 'C' },
	{ "vp", required_argument, NULL, 'v' },
	{ "vp-formats", required_argument, NULL, 'f' },
	{ "srr", no_argument, NULL, 'r' },
	{ "rd", no_argument, NULL, 'R' },
	{ "rp", no_argument, NULL, 'p' },
	{ "mr", required_argument, NULL, 'm' },
	{ "pid", required_argument, NULL, 'P' },
	{ "dcs", required_argument, NULL, 'D' },
	{ "scts", required_argument, NULL, 'a' },
	{ "data", required_argument, NULL, 'x' },
	{ "text", required_argument, NULL, 'X' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Store one encode option; nonzero if its argument is bad. */
static int
encode_opt(int c, const char *arg, struct encode_opts *o)
{
	unsigned long v = 0;
	int bad = 0;

	switch (c) {
	case 't':
		return parse_type(arg, false, &o->type);
	case 'T':
	case 'F':
		o->peer = arg;
		break;
	case 'S':
		o->smsc = arg;
		break;
	case 'N':
		o->no_smsc = true;
		break;
	case '8':
		o->ports8 = true;
		break;
	case 'c':
		o->concat = arg;
		break;
	case 'C':
		o->concat16 = true;
		break;
	case 'r':
		o->srr = true;
		break;
	case 'R':
		o->rd = true;
		break;
	case 'p':
		o->rp = true;
		break;
	case 'a':
		o->scts = arg;
		break;
	case 'x':
		o->data = arg;
		break;
	case 'X':
		o->text = arg;
		break;
	case 'f':
		return parse_vp_formats(arg, &o->vp_accept);
	case 'm':
		return parse_ulong(arg, 255, "--mr", &o->mr);
	case 'P':
		return parse_ulong(arg, 255, "--pid", &o->pid);
	case 'D':
		o->dcs_set = true;
		return parse_ulong(arg, 255, "--dcs", &o->dcs);
	case 's':
		bad = parse_ulong(arg, 65535, "--src-port", &v);
		o->src_port = (long)v;
		break;
	case 'd':
		bad = parse_ulong(arg, 65535, "--dst-port", &v);
		o->dst_port = (long)v;
		break;
	case 'v':
		bad = parse_ulong(arg, UINT32_MAX, "--vp", &v);
		o->vp = (long)v;
		break;
	default:
		return 1;
	}
	return bad;
}

/* Check that the options fit together; nonzero if they do not. */
static int
encode_check(const struct encode_opts *o)
{
	if (o->peer == NULL) {
		warnx("encode needs --to (submit) or --from (deliver)");
		return 1;
	}
	if ((o->src_port < 0) != (o->dst_port < 0)) {
		warnx("--src-port and --dst-port go together");
		return 1;
	}
	if ((o->data != NULL && o->text != NULL) ||
	    (o->text != NULL && o->dcs_set) || (o->smsc && o->no_smsc)) {
		warnx("--data and --text, --text and --dcs, --smsc and "
		    "--no-smsc exclude each other");
		return 1;
	}
	if (o->type == SMSDTLS_TPDU_DELIVER && o->vp >= 0) {
		warnx("--vp is for SMS-SUBMIT");
		return 1;
	}
	return 0;
}

/* Parse encode options into o: -1 to go on, else an exit status. */
static int
encode_parse(int argc, char **argv, struct encode_opts *o)
{
	static char progname[] = "smsdtls-pdu encode";
	int c, bad = 0;

	argv[0] = progname;		/* for getopt's messages */
	memset(o, 0, sizeof(*o));
	o->type = SMSDTLS_TPDU_SUBMIT;
	o->src_port = o->dst_port = o->vp = -1;
	o->vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE | SMSDTLS_VP_ACCEPT_ENHANCED;
	while ((c = getopt_long(argc, argv, "h", encode_longopts, NULL)) !=
	    -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_SUCCESS;
		}
		if (c == '?')
			return EXIT_USAGE;
		bad |= encode_opt(c, optarg, o);
	}
	if (bad)
		return EXIT_USAGE;
	if (optind != argc) {
		warnx("unexpected argument: %s", argv[optind]);
		return EXIT_USAGE;
	}
	return encode_check(o) != 0 ? EXIT_USAGE : -1;
}

static int
encode_build(const struct encode_opts *o, struct smsdtls_tpdu *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->type = (uint8_t)o->type;
	t->status_report = o->srr;
	t->reply_path = o->rp;
	t->reject_duplicates = o->rd && o->type == SMSDTLS_TPDU_SUBMIT;
	t->mr = (uint8_t)o->mr;
	t->pid = (uint8_t)o->pid;
	if ((r = build_addrs(o, t)) != 0 || (r = build_vp(o, t)) != 0 ||
	    (r = build_udh(o, t)) != 0 || (r = build_data(o, t)) != 0)
		return r;
	return 0;
}

static int
build_addrs(const struct encode_opts *o, struct smsdtls_tpdu *t)
{
	smsdtls_rc rc;

	t->has_smsc = !o->no_smsc;
	if (o->smsc != NULL &&
	    (rc = smsdtls_addr_parse(o->smsc, &t->smsc)) != SMSDTLS_OK) {
		warnx("--smsc %s: %s", o->smsc, smsdtls_strerror(rc));
		return EXIT_INPUT;
	}
	if (smsdtls_addr_parse(o->peer, &t->addr) == SMSDTLS_OK)
		return 0;
	/* Not a number: an alphanumeric sender such as "DTLS". */
	if (o->type != SMSDTLS_TPDU_DELIVER ||
	    strlen(o->peer) >= sizeof(t->addr.text)) {
		warnx("%s: %s", o->peer, smsdtls_strerror(SMSDTLS_EADDR));
		return EXIT_INPUT;
	}
	t->addr.ton = SMSDTLS_TON_ALPHANUMERIC;
	t->addr.npi = SMSDTLS_NPI_UNKNOWN;
	memcpy(t->addr.text, o->peer, strlen(o->peer) + 1);
	return 0;
}

static int
build_vp(const struct encode_opts *o, struct smsdtls_tpdu *t)
{
	smsdtls_rc rc;

	if (o->type == SMSDTLS_TPDU_DELIVER)
		return o->scts != NULL ? parse_scts(o->scts, &t->scts) :
		    now_scts(&t->scts);
	if (o->vp < 0)
		return 0;
	rc = smsdtls_vp_choose((uint32_t)o->vp, o->vp_accept,
	    (int64_t)time(NULL), &t->vp);
	if (rc != SMSDTLS_OK) {
		warnx("--vp %ld: %s%s", o->vp, smsdtls_strerror(rc),
		    rc == SMSDTLS_ETOOBIG ? ": longer than the --vp-formats "
		    "allow (relative: 63 weeks, enhanced seconds: 255 s, "
		    "hh:mm:ss: 23:59:59)" : "");
		return EXIT_INPUT;
	}
	return 0;
}

static int
build_udh(const struct encode_opts *o, struct smsdtls_tpdu *t)
{
	struct smsdtls_udh *u = &t->udh;
	size_t len;
	smsdtls_rc rc;

	if (o->src_port >= 0) {
		u->has_ports = true;
		u->ports16 = !o->ports8;
		u->src_port = (uint16_t)o->src_port;
		u->dst_port = (uint16_t)o->dst_port;
	}
	if (o->concat != NULL && parse_concat(o->concat, o->concat16, u) != 0)
		return EXIT_USAGE;
	rc = smsdtls_udh_build(u, t->ud, sizeof(t->ud), &len);
	if (rc != SMSDTLS_OK) {
		warnx("cannot build the user data header: %s%s",
		    smsdtls_strerror(rc), o->ports8 ?
		    " (8-bit ports are 0-255)" : "");
		return EXIT_INPUT;
	}
	t->udhi = len > 0;
	t->payload_off = t->ud_len = len;
	return 0;
}

static int
build_data(const struct encode_opts *o, struct smsdtls_tpdu *t)
{
	size_t n;
	smsdtls_rc rc;

	if (o->text != NULL) {
		if (build_text_gsm7(o->text, t) == 0)
			return 0;
		return build_text_ucs2(o->text, t);
	}
	t->dcs = o->dcs_set ? (uint8_t)o->dcs : SMSDTLS_DCS_8BIT;
	n = 0;
	if (o->data != NULL) {
		rc = smsdtls_hex_decode(o->data, t->ud + t->ud_len,
		    sizeof(t->ud) - t->ud_len, &n);
		if (rc != SMSDTLS_OK) {
			warnx("--data: %s", smsdtls_strerror(rc));
			return EXIT_INPUT;
		}
	}
	t->ud_len += n;
	/* 7-bit DCS with raw data: as many septets as the octets hold. */
	t->udl = (uint8_t)(dcs_septets(t->dcs) ? t->ud_len * 8 / 7 :
	    t->ud_len);
	return 0;
}

/* Text in the GSM 7-bit default alphabet, after the UDH and fill bits. */
static int
build_text_gsm7(const char *text, struct smsdtls_tpdu *t)
{
	uint8_t sept[160];
	size_t n, skip, used;

	skip = (t->payload_off * 8 + 6) / 7;
	n = tpdu_gsm7_from_text(text, sept, sizeof(sept) - skip);
	if (n == (size_t)-1)
		return -1;
	used = tpdu_gsm7_pack(sept, n, skip * 7, t->ud, sizeof(t->ud));
	if (used == (size_t)-1)
		return -1;
	t->dcs = 0x00;
	t->udl = (uint8_t)(skip + n);
	t->ud_len = used > t->payload_off ? used : t->payload_off;
	return 0;
}

/* Text as UCS2 (UTF-16BE), for characters outside the GSM alphabet. */
static int
build_text_ucs2(const char *text, struct smsdtls_tpdu *t)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned long c;
	size_t i, k, need;

	while (*s != '\0') {
		k = *s < 0x80 ? 1 : *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : 2;
		c = k == 1 ? *s : *s & (0x3f >> (k - 1));
		for (i = 1; i < k && (s[i] & 0xc0) == 0x80; i++)
			c = c << 6 | (s[i] & 0x3f);
		if (i < k || (*s >= 0x80 && *s < 0xc2) || *s > 0xf4 ||
		    c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) {
			warnx("--text: not valid UTF-8");
			return EXIT_INPUT;
		}
		s += k;
		need = c >= 0x10000 ? 4 : 2;
		if (t->ud_len + need > sizeof(t->ud)) {
			warnx("--text: too long for one SMS");
			return EXIT_INPUT;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			t->ud[t->ud_len++] = (uint8_t)(0xd8 | c >> 18);
			t->ud[t->ud_len++] = (uint8_t)(c >> 10);
			c = 0xdc00 | (c & 0x3ff);
		}
		t->ud[t->ud_len++] = (uint8_t)(c >> 8);
		t->ud[t->ud_len++] = (uint8_t)c;
	}
	t->dcs = 0x08;
	t->udl = (uint8_t)t->ud_len;
	return 0;
}

static int
parse_ulong(const char *s, unsigned long max, const char *what,
    unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 ||
	    *v > max) {
		warnx("%s %s: expected a number from 0 to %lu", what, s, max);
		return 1;
	}
	return 0;
}

/* The current time in UTC, for the SCTS of a DELIVER. */
static int
now_scts(struct smsdtls_scts *ts)
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL || tm.tm_year < 90 ||
	    tm.tm_year > 189) {
		warnx("the clock is outside 1990-2089: use --scts");
		return EXIT_INPUT;
	}
	memset(ts, 0, sizeof(*ts));
	ts->year = (uint16_t)(tm.tm_year + 1900);
	ts->month = (uint8_t)(tm.tm_mon + 1);
	ts->day = (uint8_t)tm.tm_mday;
	ts->hour = (uint8_t)tm.tm_hour;
	ts->minute = (uint8_t)tm.tm_min;
	ts->second = (uint8_t)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	return 0;
}

/* "2024-03-15T14:30:45+01:00", "...Z" or no zone (UTC). */
static int
parse_scts(const char *s, struct smsdtls_scts *ts)
{
	unsigned y, mo, d, h, mi, sec, zh = 0, zm = 0;
	char sep, sign = '+';
	int n = 0, m = 0;

	if (sscanf(s, "%4u-%2u-%2u%c%2u:%2u:%2u%n", &y, &mo, &d, &sep, &h,
	    &mi, &sec, &n) != 7 || (sep != 'T' && sep != ' '))
		goto bad;
	if (s[n] == 'Z')
		m = 1;
	else if (s[n] == '+' || s[n] == '-') {
		sign = s[n];
		if (sscanf(s + n + 1, "%2u:%2u%n", &zh, &zm, &m) != 2)
			goto bad;
		m++;
	}
	if (s[n + m] != '\0' || y < 1990 || y > 2089 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 ||
	    zm % 15 != 0 || zh * 4 + zm / 15 > 79)
		goto bad;
	ts->year = (uint16_t)y;
	ts->month = (uint8_t)mo;
	ts->day = (uint8_t)d;
	ts->hour = (uint8_t)h;
	ts->minute = (uint8_t)mi;
	ts->second = (uint8_t)sec;
	ts->tz = (int8_t)((sign == '-' ? -1 : 1) * (int)(zh * 4 + zm / 15));
	return 0;
bad:
	warnx("--scts %s: expected YYYY-MM-DDTHH:MM:SS[Z|+HH:MM], "
	    "1990-2089, zone in quarter hours", s);
	return EXIT_USAGE;
}

static int
parse_vp_formats(const char *s, unsigned *accept)
{
	static const struct { const char *name; unsigned bits; } f[] = {
		{ "relative", SMSDTLS_VP_ACCEPT_RELATIVE },
		{ "absolute", SMSDTLS_VP_ACCEPT_ABSOLUTE },
		{ "enhanced", SMSDTLS_VP_ACCEPT_ENHANCED },
		{ "enh-relative", SMSDTLS_VP_ACCEPT_ENH_RELATIVE },
		{ "enh-seconds", SMSDTLS_VP_ACCEPT_ENH_SECONDS },
		{ "enh-hhmmss", SMSDTLS_VP_ACCEPT_ENH_HHMMSS },
		{ "all", SMSDTLS_VP_ACCEPT_ALL },
	};
	size_t i, n;

	*accept = 0;
	while (*s != '\0') {
		n = strcspn(s, ",");
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (strlen(f[i].name) == n &&
			    strncmp(s, f[i].name, n) == 0)
				break;
		if (i == sizeof(f) / sizeof(f[0])) {
			warnx("--vp-formats: unknown format \"%.*s\"", (int)n,
			    s);
			return 1;
		}
		*accept |= f[i].bits;
		s += n + (s[n] == ',');
	}
	if (*accept == 0) {
		warnx("--vp-formats: empty list");
		return 1;
	}
	return 0;
}

static int
parse_concat(const char *s, bool c16, struct smsdtls_udh *u)
{
	unsigned ref, total, seq;
	int n = 0;

	if (sscanf(s, "%u,%u,%u%n", &ref, &total, &seq, &n) != 3 ||
	    s[n] != '\0' || ref > (c16 ? 65535u : 255u) || total < 1 ||
	    total > 255 || seq < 1 || seq > total) {
		warnx("--concat %s: expected REF,TOTAL,SEQ with 1 <= SEQ <= "
		    "TOTAL <= 255 and REF <= %u", s, c16 ? 65535 : 255);
		return 1;
	}
	u->has_concat = true;
	u->concat16 = c16;
	u->concat_ref = (uint16_t)ref;
	u->concat_total = (uint8_t)total;
	u->concat_seq = (uint8_t)seq;
	return 0;
}

static int
parse_type(const char *s, bool any, int *type)
{
	if (strcmp(s, "deliver") == 0)
		*type = SMSDTLS_TPDU_DELIVER;
	else if (strcmp(s, "submit") == 0)
		*type = SMSDTLS_TPDU_SUBMIT;
	else if (any && (strcmp(s, "status") == 0 ||
	    strcmp(s, "status-report") == 0))
		*type = SMSDTLS_TPDU_STATUS_REPORT;
	else if (any && strcmp(s, "any") == 0)
		*type = -1;
	else {
		warnx("--type %s: expected %s", s, any ?
		    "deliver, submit, status or any" : "submit or deliver");
		return 1;
	}
	return 0;
}

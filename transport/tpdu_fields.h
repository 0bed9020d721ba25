/*
 * tpdu_fields.h - internal field codecs of 3GPP TS 23.040 TPDUs, shared
 * by tpdu.c, vp.c and the smsdtls-pdu tool:
 *
 * - bounded read and write cursors: every access goes through them, so a
 *   decoder cannot read past its input nor an encoder write past its
 *   buffer;
 * - semi-octet (BCD) and alphanumeric addresses (9.1.2.5) and the AT
 *   PDU-mode SMSC prefix (TS 27.005 3.1, TS 24.011 8.2.5.1);
 * - time stamps: TP-SCTS, TP-DT and the absolute TP-VP (9.2.3.11);
 * - the GSM 7-bit default alphabet and its extension table (TS 23.038
 *   6.1.2.1, 6.2.1) and septet packing (TS 23.038 6.1.2.1.1).
 *
 * The GSM 7-bit helpers are static inline so that the tool, which links
 * only the public library, can use them too.  Nothing here allocates.
 */
#ifndef SMSDTLS_TPDU_FIELDS_H
#define SMSDTLS_TPDU_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

/* A read cursor over len octets: off never exceeds len. */
struct tpdu_rd {
	const uint8_t	*buf;
	size_t		 len;
	size_t		 off;
};

/* A write cursor over cap octets: off never exceeds cap. */
struct tpdu_wr {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 off;
};

static inline void
tpdu_rd_init(struct tpdu_rd *rd, const uint8_t *buf, size_t len)
{
	rd->buf = buf;
	rd->len = len;
	rd->off = 0;
}

static inline size_t
tpdu_rd_left(const struct tpdu_rd *rd)
{
	return rd->len - rd->off;
}

/* Read one octet; SMSDTLS_ETRUNC at the end of the input. */
static inline smsdtls_rc
tpdu_rd_u8(struct tpdu_rd *rd, uint8_t *v)
{
	if (tpdu_rd_left(rd) < 1)
		return SMSDTLS_ETRUNC;
	*v = rd->buf[rd->off++];
	return SMSDTLS_OK;
}

/* Read n octets into dst (which may be NULL to skip them). */
static inline smsdtls_rc
tpdu_rd_bytes(struct tpdu_rd *rd, uint8_t *dst, size_t n)
{
	if (tpdu_rd_left(rd) < n)
		return SMSDTLS_ETRUNC;
	if (dst != NULL && n > 0)
		memcpy(dst, rd->buf + rd->off, n);
	rd->off += n;
	return SMSDTLS_OK;
}

static inline void
tpdu_wr_init(struct tpdu_wr *wr, uint8_t *buf, size_t cap)
{
	wr->buf = buf;
	wr->cap = cap;
	wr->off = 0;
}

/* Write one octet; SMSDTLS_ETOOBIG when the buffer is full. */
static inline smsdtls_rc
tpdu_wr_u8(struct tpdu_wr *wr, uint8_t v)
{
	if (wr->cap - wr->off < 1)
		return SMSDTLS_ETOOBIG;
	wr->buf[wr->off++] = v;
	return SMSDTLS_OK;
}

static inline smsdtls_rc
tpdu_wr_bytes(struct tpdu_wr *wr, const uint8_t *src, size_t n)
{
	if (wr->cap - wr->off < n)
		return SMSDTLS_ETOOBIG;
	if (n > 0)
		memcpy(wr->buf + wr->off, src, n);
	wr->off += n;
	return SMSDTLS_OK;
}

/*
 * Swapped semi-octet BCD, as in time stamps: 0x42 is 24.  tpdu_bcd_get
 * gives SMSDTLS_EPROTO for a nibble above 9; tpdu_bcd_put takes 0-99.
 */
smsdtls_rc	tpdu_bcd_get(uint8_t octet, uint8_t *value);
uint8_t		tpdu_bcd_put(uint8_t value);

/*
 * TP-DA, TP-OA, TP-RA (9.1.2.5): length in useful semi-octets, TOA, then
 * BCD digits or, for TON alphanumeric, packed GSM 7-bit text.  Decoding
 * errors: SMSDTLS_ETRUNC, SMSDTLS_EPROTO (TOA bit 7 clear, more than 20
 * semi-octets, a nibble F among the digits).  Encoding errors:
 * SMSDTLS_EADDR (bad digit or text, too long), SMSDTLS_ETOOBIG.
 */
smsdtls_rc	tpdu_addr_get(struct tpdu_rd *rd, struct smsdtls_addr *addr);
smsdtls_rc	tpdu_addr_put(struct tpdu_wr *wr,
		    const struct smsdtls_addr *addr);

/*
 * The SMSC prefix of AT PDU mode: length in octets including the TOA.
 * "00" decodes as an empty address; an empty text encodes as "00".
 */
smsdtls_rc	tpdu_smsc_get(struct tpdu_rd *rd, struct smsdtls_addr *addr);
smsdtls_rc	tpdu_smsc_put(struct tpdu_wr *wr,
		    const struct smsdtls_addr *addr);

/*
 * Seven-octet time stamp (9.2.3.11).  Decoding checks only that each
 * digit is BCD (SMSDTLS_EPROTO otherwise); years below 90 are 20yy.
 * Encoding takes years 1990-2089, other fields 0-99 and tz -79..79
 * (SMSDTLS_EINVAL otherwise).
 */
#define TPDU_SCTS_LEN	7
smsdtls_rc	tpdu_scts_get(struct tpdu_rd *rd, struct smsdtls_scts *ts);
smsdtls_rc	tpdu_scts_put(struct tpdu_wr *wr,
		    const struct smsdtls_scts *ts);

/*
 * Time stamp to Unix time (the local time minus the zone offset), with a
 * calendar check: SMSDTLS_EPROTO for a month, day, hour, minute, second
 * or zone out of range.
 */
smsdtls_rc	tpdu_scts_to_unix(const struct smsdtls_scts *ts,
		    int64_t *t);

/* Unix time to a UTC time stamp; SMSDTLS_ETOOBIG outside 1990-2089. */
smsdtls_rc	tpdu_scts_from_unix(int64_t t, struct smsdtls_scts *ts);

/* ------------------------------------------------ GSM 7-bit alphabet */

#define TPDU_GSM7_ESC	0x1b

/* UTF-8 for septet c of the default alphabet (ESC gives a space). */
static inline const char *
tpdu_gsm7_basic(uint8_t c)
{
	static const char *const tab[128] = {
		"@", "\u00a3", "$", "\u00a5", "\u00e8", "\u00e9", "\u00f9",
		"\u00ec", "\u00f2", "\u00c7", "\n", "\u00d8", "\u00f8", "\r",
		"\u00c5", "\u00e5",
		"\u0394", "_", "\u03a6", "\u0393", "\u039b", "\u03a9",
		"\u03a0", "\u03a8", "\u03a3", "\u0398", "\u039e", " ",
		"\u00c6", "\u00e6", "\u00df", "\u00c9",
		" ", "!", "\"", "#", "\u00a4", "%", "&", "'", "(", ")", "*",
		"+", ",", "-", ".", "/",
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";",
		"<", "=", ">", "?",
		"\u00a1", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
		"K", "L", "M", "N", "O",
		"P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
		"\u00c4", "\u00d6", "\u00d1", "\u00dc", "\u00a7",
		"\u00bf", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
		"k", "l", "m", "n", "o",
		"p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
		"\u00e4", "\u00f6", "\u00f1", "\u00fc", "\u00e0"
	};

	return tab[c & 0x7f];
}

/* UTF-8 for ESC followed by septet c, or NULL if c has no extension. */
static inline const char *
tpdu_gsm7_ext(uint8_t c)
{
	switch (c) {
	case 0x0a: return "\f";
	case 0x14: return "^";
	case 0x28: return "{";
	case 0x29: return "}";
	case 0x2f: return "\\";
	case 0x3c: return "[";
	case 0x3d: return "~";
	case 0x3e: return "]";
	case 0x40: return "|";
	case 0x65: return "\u20ac";
	default: return NULL;
	}
}

/*
 * Unpack n septets from in (inlen octets), starting bitoff bits into it
 * (the fill bits after a UDH).  Returns the number of septets unpacked,
 * less than n if the input ends first.
 */
static inline size_t
tpdu_gsm7_unpack(const uint8_t *in, size_t inlen, size_t bitoff,
    uint8_t *out, size_t n)
{
	size_t i, bit, byte;
	unsigned v;

	for (i = 0; i < n; i++) {
		bit = bitoff + i * 7;
		byte = bit / 8;
		if (byte >= inlen || (bit % 8 > 1 && byte + 1 >= inlen))
			break;
		v = in[byte] >> (bit % 8);
		if (bit % 8 > 1)
			v |= (unsigned)in[byte + 1] << (8 - bit % 8);
		out[i] = v & 0x7f;
	}
	return i;
}

/*
 * Pack n septets into out starting bitoff bits in; bits before bitoff in
 * the first octet are kept.  Returns the octets used (from out[0]), or
 * (size_t)-1 if they do not fit in outlen.
 */
static inline size_t
tpdu_gsm7_pack(const uint8_t *sept, size_t n, size_t bitoff, uint8_t *out,
    size_t outlen)
{
	size_t i, bit, need;

	need = (bitoff + n * 7 + 7) / 8;
	if (need > outlen)
		return (size_t)-1;
	memset(out + bitoff / 8 + (bitoff % 8 ? 1 : 0), 0,
	    need - bitoff / 8 - (bitoff % 8 ? 1 : 0));
	if (bitoff % 8)
		out[bitoff / 8] &= (uint8_t)((1u << (bitoff % 8)) - 1);
	for (i = 0; i < n; i++) {
		bit = bitoff + i * 7;
		out[bit / 8] |= (uint8_t)((sept[i] & 0x7f) << (bit % 8));
		if (bit % 8 > 1)
			out[bit / 8 + 1] |= (uint8_t)((sept[i] & 0x7f) >>
			    (8 - bit % 8));
	}
	return need;
}

/*
 * Convert n septets to NUL-terminated UTF-8 in buf.  Returns the length
 * written, or (size_t)-1 if buf is too small.
 */
static inline size_t
tpdu_gsm7_to_utf8(const uint8_t *sept, size_t n, char *buf, size_t buflen)
{
	const char *s;
	size_t i, len = 0, sl;

	for (i = 0; i < n; i++) {
		s = tpdu_gsm7_basic(sept[i]);
		/* TS 23.038 6.2.1.1: an unknown extension shows as the
		 * default alphabet character; a final ESC as a space. */
		if ((sept[i] & 0x7f) == TPDU_GSM7_ESC && i + 1 < n) {
			i++;
			if ((s = tpdu_gsm7_ext(sept[i] & 0x7f)) == NULL)
				s = tpdu_gsm7_basic(sept[i]);
		}
		sl = strlen(s);
		if (buflen - len <= sl)
			return (size_t)-1;
		memcpy(buf + len, s, sl);
		len += sl;
	}
	if (buflen - len < 1)
		return (size_t)-1;
	buf[len] = '\0';
	return len;
}

/* Does the UTF-8 at s start with pfx (a NUL-terminated string)? */
static inline size_t
tpdu_gsm7_match(const char *s, const char *pfx)
{
	size_t l = strlen(pfx);

	return strncmp(s, pfx, l) == 0 ? l : 0;
}

/*
 * Convert one character of NUL-terminated UTF-8 at s into one or two
 * septets (ESC + code).  Returns the UTF-8 length consumed and sets
 * *nsept, or 0 if the character is not in the alphabet.
 */
static inline size_t
tpdu_gsm7_from_utf8(const char *s, uint8_t sept[2], size_t *nsept)
{
	const char *e;
	size_t l;
	unsigned c;

	for (c = 0; c < 128; c++) {
		if (c == TPDU_GSM7_ESC)
			continue;
		if ((l = tpdu_gsm7_match(s, tpdu_gsm7_basic(c))) > 0) {
			sept[0] = (uint8_t)c;
			*nsept = 1;
			return l;
		}
	}
	for (c = 0; c < 128; c++) {
		if ((e = tpdu_gsm7_ext(c)) == NULL)
			continue;
		if ((l = tpdu_gsm7_match(s, e)) > 0) {
			sept[0] = TPDU_GSM7_ESC;
			sept[1] = (uint8_t)c;
			*nsept = 2;
			return l;
		}
	}
	return 0;
}

/*
 * Convert NUL-terminated UTF-8 text to septets.  Returns the septet
 * count, or (size_t)-1 if a character is not in the alphabet or the
 * result exceeds max septets.
 */
static inline size_t
tpdu_gsm7_from_text(const char *text, uint8_t *sept, size_t max)
{
	uint8_t two[2];
	size_t n = 0, k, l;

	while (*text != '\0') {
		if ((l = tpdu_gsm7_from_utf8(text, two, &k)) == 0)
			return (size_t)-1;
		if (max - n < k)
			return (size_t)-1;
		memcpy(sept + n, two, k);
		n += k;
		text += l;
	}
	return n;
}

#endif /* SMSDTLS_TPDU_FIELDS_H */

/*
 * hex.c - hexadecimal PDUs as AT PDU mode carries them (TS 27.005 3.1,
 * 3.3: "hexadecimal format ... two IRA characters per octet") and as
 * modem logs show them.
 *
 * Decoding accepts both cases and skips white space anywhere, so that
 * "07 91 44 77" pasted from a log works; encoding writes upper case, as
 * modems do.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <smsdtls/sms.h>

static int	hex_value(char c);
static int	hex_space(char c);

smsdtls_rc
smsdtls_hex_decode(const char *hex, uint8_t *buf, size_t buflen, size_t *len)
{
	size_t n = 0;
	int v, hi = -1;

	if (hex == NULL || len == NULL || (buf == NULL && buflen > 0))
		return SMSDTLS_EINVAL;
	for (; *hex != '\0'; hex++) {
		if (hex_space(*hex))
			continue;
		if ((v = hex_value(*hex)) < 0)
			return SMSDTLS_EPROTO;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == buflen)
			return SMSDTLS_ETOOBIG;
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return SMSDTLS_EPROTO;
	*len = n;
	return SMSDTLS_OK;
}

smsdtls_rc
smsdtls_hex_encode(const uint8_t *data, size_t len, char *buf, size_t buflen)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	if (buf == NULL || (data == NULL && len > 0))
		return SMSDTLS_EINVAL;
	if (len >= SIZE_MAX / 2 || buflen < 2 * len + 1)
		return SMSDTLS_ETOOBIG;
	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[data[i] >> 4];
		buf[2 * i + 1] = digits[data[i] & 0x0f];
	}
	buf[2 * len] = '\0';
	return SMSDTLS_OK;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
hex_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

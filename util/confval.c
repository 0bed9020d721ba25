/*
 * confval.c - the line lexing and the value syntaxes that smsdtlsd.conf
 * (man/smsdtlsd.conf.5) and smsdtls-smsc's file (man/smsdtls-smsc.8)
 * have in common (confval.h).  Each parser keeps its own keywords, its own
 * extra syntaxes and its own error messages.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/confval.h"

#define DIGITS_MAX	20	/* UINT64_MAX */

/* Largest first, for the formatter. */
static const struct unit {
	const char	*name;
	int64_t		 ms;
} units[] = {
	{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
	{ "ms", 1 }
};
#define NUNITS	(sizeof(units) / sizeof(units[0]))

char *
confval_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

char *
confval_section(char *s)
{
	size_t n = strlen(s);

	if (n == 0 || s[n - 1] != ']')
		return NULL;
	s[n - 1] = '\0';
	return confval_trim(s + 1);
}

char *
confval_after_word(char *s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(s, word, n) != 0 ||
	    (s[n] != '\0' && !isspace((unsigned char)s[n])))
		return NULL;
	return confval_trim(s + n);
}

bool
confval_assign(char *s, char **key, char **val)
{
	char *eq;

	if ((eq = strchr(s, '=')) == NULL)
		return false;
	*eq = '\0';
	*key = confval_trim(s);
	*val = confval_trim(eq + 1);
	return true;
}

bool
confval_bool(const char *s, bool *v)
{
	if (strcmp(s, "on") == 0 || strcmp(s, "yes") == 0 ||
	    strcmp(s, "true") == 0)
		*v = true;
	else if (strcmp(s, "off") == 0 || strcmp(s, "no") == 0 ||
	    strcmp(s, "false") == 0)
		*v = false;
	else
		return false;
	return true;
}

bool
confval_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return false;
	*v = n;
	return true;
}

/* A number with a unit; a bare "0" is the only unitless duration. */
bool
confval_duration(const char *s, int64_t min, int64_t max, int64_t *ms)
{
	char num[DIGITS_MAX + 1];
	size_t digits, i;
	uint64_t n;

	digits = strspn(s, "0123456789");
	if (digits == 0 || digits > DIGITS_MAX)
		return false;
	memcpy(num, s, digits);
	num[digits] = '\0';
	if (!confval_uint(num, 0, UINT64_MAX, &n))
		return false;
	if (s[digits] == '\0') {
		if (n != 0 || min > 0)
			return false;
		*ms = 0;
		return true;
	}
	for (i = 0; i < NUNITS; i++) {
		if (strcmp(s + digits, units[i].name) != 0)
			continue;
		if (n > (uint64_t)(max / units[i].ms) ||
		    (int64_t)n * units[i].ms < min)
			return false;
		*ms = (int64_t)n * units[i].ms;
		return true;
	}
	return false;
}

void
confval_fmt_duration(int64_t ms, char *buf, size_t size)
{
	size_t i;

	if (ms == 0) {
		snprintf(buf, size, "0");
		return;
	}
	for (i = 0; i < NUNITS; i++)
		if (ms % units[i].ms == 0)
			break;
	snprintf(buf, size, "%" PRId64 "%s", ms / units[i].ms, units[i].name);
}

void
confval_verr(FILE *errs, const char *path, int line, const char *fmt,
    va_list ap)
{
	if (line > 0)
		fprintf(errs, "%s:%d: ", path, line);
	else
		fprintf(errs, "%s: ", path);
	vfprintf(errs, fmt, ap);
	fputc('\n', errs);
}

/*
 * confval.h - what smsdtlsd's and smsdtls-smsc's configuration parsers
 * (daemon/dconf*.c, smsc/conf.c) share: the lexing of their line-based
 * files ("[section]", "key = value") and the value syntaxes that mean the
 * same in both: booleans, whole numbers and durations.
 *
 * The lexers cut the line they are given in place.  The value parsers
 * check the whole string and write nothing when it is not a value.
 */
#ifndef SMSDTLS_UTIL_CONFVAL_H
#define SMSDTLS_UTIL_CONFVAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* s without white space at either end (the end is cut). */
char	*confval_trim(char *s);
/* A header "[NAME]" (s starts with '['): NAME, trimmed; NULL if s does
 * not end in ']'. */
char	*confval_section(char *s);
/* If s is word alone or word, white space and more: the rest, trimmed
 * ("" for word alone); else NULL. */
char	*confval_after_word(char *s, const char *word);
/* "key = value": false without an '='; else both sides, trimmed (either
 * may be empty). */
bool	confval_assign(char *s, char **key, char **val);

/* "on", "yes", "true"; "off", "no", "false". */
bool	confval_bool(const char *s, bool *v);
/* Decimal digits only, min..max. */
bool	confval_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v);
/* At most 20 digits and a unit: "250ms", "10s", "5m", "24h", "2d"; a bare
 * "0" if min <= 0.  In ms, min..max. */
bool	confval_duration(const char *s, int64_t min, int64_t max,
	    int64_t *ms);
/* ms in the largest unit that keeps it whole ("0" for 0), so that the
 * text parses back to ms. */
void	confval_fmt_duration(int64_t ms, char *buf, size_t size);

/* Write "path:line: message\n" ("path: message\n" for line 0). */
void	confval_verr(FILE *errs, const char *path, int line, const char *fmt,
	    va_list ap) __attribute__((format(printf, 4, 0)));

#endif /* SMSDTLS_UTIL_CONFVAL_H */

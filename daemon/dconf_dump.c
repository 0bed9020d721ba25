/*
 * dconf_dump.c - writes a parsed smsdtlsd.conf back in its own syntax
 * (smsdtlsd -n): every key the role uses with its effective value, in the
 * order of man/smsdtlsd.conf.5; unset optional keys appear as comments.
 * The output parses back to the same configuration.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "daemon/dconf_int.h"

/* The longest value: a path, or every prefix of [limits] allow. */
#define VALUE_MAX	\
	(DCONF_PATH_MAX + DCONF_ALLOW_MAX * (DCONF_PREFIX_MAX + 2))

static void	dump_sect(const struct dconf *, uint8_t, FILE *);
static void	dump_keys(const struct dconf *, uint8_t, const void *,
		    const struct dconf_bearer *, FILE *);
static bool	fmt_value(const struct dconf *, const struct dconf_kw *,
		    const void *, char *, size_t);
static void	fmt_allow(const struct dconf *, char *, size_t);

void
dconf_dump(const struct dconf *conf, FILE *fp)
{
	size_t i;

	fprintf(fp, "# smsdtlsd configuration as read from %s\n",
	    conf->path[0] != '\0' ? conf->path : "(defaults)");
	dump_sect(conf, DS_MAIN, fp);
	dump_sect(conf, DS_SMS, fp);
	for (i = 0; i < conf->nbearers; i++) {
		fprintf(fp, "\n[bearer %s]\n", conf->bearers[i].name);
		dump_keys(conf, DS_BEARER, &conf->bearers[i],
		    &conf->bearers[i], fp);
	}
	dump_sect(conf, DS_DTLS, fp);
	dump_sect(conf, DS_UPSTREAM, fp);
	dump_sect(conf, DS_BRIDGE, fp);
	if (conf->role == DCONF_GATEWAY) {
		fprintf(fp, "\n[map]\n");
		for (i = 0; i < conf->nmap; i++)
			fprintf(fp, "%s = %u\n", conf->map[i].msisdn.text,
			    (unsigned)conf->map[i].port);
	}
	dump_sect(conf, DS_LIMITS, fp);
}

static void
dump_sect(const struct dconf *conf, uint8_t sect, FILE *fp)
{
	if (!(dconf_sect_roles[sect] & (1u << conf->role)))
		return;
	fprintf(fp, "\n[%s]\n", dconf_sect_names[sect]);
	dump_keys(conf, sect, conf, NULL, fp);
}

static void
dump_keys(const struct dconf *conf, uint8_t sect, const void *base,
    const struct dconf_bearer *b, FILE *fp)
{
	const struct dconf_kw *k;
	char val[VALUE_MAX];
	size_t i;

	for (i = 0; i < dconf_nkeywords; i++) {
		k = &dconf_keywords[i];
		if (k->sect != sect || !dconf_kw_used(k, conf, b))
			continue;
		if (fmt_value(conf, k, base, val, sizeof(val)))
			fprintf(fp, "%s = %s\n", k->name, val);
		else
			fprintf(fp, "# %s =\n", k->name);
	}
}

/* The value of k in the struct at base as the file writes it; false if
 * the key is unset. */
static bool
fmt_value(const struct dconf *conf, const struct dconf_kw *k,
    const void *base, char *buf, size_t size)
{
	const void *f = (const uint8_t *)base + k->off;
	const struct dconf_linkaddr *la;
	uint16_t port;
	unsigned n;
	int64_t ms;

	switch (k->vt) {
	case DV_BOOL:
		snprintf(buf, size, "%s", *(const bool *)f ? "on" : "off");
		return true;
	case DV_ENUM:
		snprintf(buf, size, "%s", dconf_enum_name(k, base));
		return true;
	case DV_DURATION:
		memcpy(&ms, f, sizeof(ms));
		dconf_fmt_duration(ms, buf, size);
		return true;
	case DV_RATE:
		dconf_fmt_rate(f, buf, size);
		return true;
	case DV_PORT:
		memcpy(&port, f, sizeof(port));
		snprintf(buf, size, "%u", (unsigned)port);
		return true;
	case DV_UINT:
		memcpy(&n, f, sizeof(n));
		snprintf(buf, size, "%u", n);
		return true;
	case DV_MSISDN:
		snprintf(buf, size, "%s",
		    ((const struct dconf_msisdn *)f)->text);
		return buf[0] != '\0';
	case DV_METRICS:
		if (((const struct dconf_hostport *)f)->host[0] == '\0') {
			snprintf(buf, size, "off");
			return true;
		}
		/* FALLTHROUGH */
	case DV_HOSTPORT:
		if (((const struct dconf_hostport *)f)->host[0] == '\0')
			return false;
		dconf_fmt_hostport(f, buf, size);
		return true;
	case DV_HOST:
		snprintf(buf, size, "%s", (const char *)f);
		if (buf[0] == '\0' && k->sect == DS_UPSTREAM)
			snprintf(buf, size, "any");
		return buf[0] != '\0';
	case DV_LINKADDR:
		la = f;
		if (la->tcp)
			dconf_fmt_hostport(&la->hp, buf + 4, size - 4);
		if (la->tcp)
			memcpy(buf, "tcp:", 4);
		else
			snprintf(buf, size, "unix:%s", la->path);
		return la->tcp || la->path[0] != '\0';
	case DV_ALLOW:
		fmt_allow(conf, buf, size);
		return true;
	default:	/* paths, names, digits, text */
		snprintf(buf, size, "%s", (const char *)f);
		return buf[0] != '\0';
	}
}

static void
fmt_allow(const struct dconf *conf, char *buf, size_t size)
{
	size_t i, len = 0;

	if (conf->nallow == 0) {
		snprintf(buf, size, "all");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < conf->nallow && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i > 0 ? ", " : "", conf->allow[i]);
}

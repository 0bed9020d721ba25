/*
 * persist.c - established DTLS sessions kept in the state directory, so
 * that a restarted daemon goes on with its devices without a new
 * handshake (each one costs several paid SMS).
 *
 * A session is saved when it comes up and forgotten when it ends; all of
 * them are saved again at shutdown.  The key names the bearer and the
 * peer ("modem1 +447700900456:5684>5684").  A restored session is saved
 * again at once: the import moved its record sequence numbers past any
 * it may have used after its last save (docs/session.md), and the new
 * save makes that the base for the next restart.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "daemon/sessstore.h"
#include "daemon/smsdtlsd.h"

#define PERSIST_BLOB_MAX	2048

static void
persist_key(const struct smsd_link *l, const struct smsdtls_peer *peer,
    char *key, size_t keylen)
{
	char	p[SMSD_KEY_MAX + 16];

	smsdtls_peer_format(peer, p, sizeof(p));
	snprintf(key, keylen, "%s %s", l->name, p);
}

static struct smsd_link *
persist_link(struct smsd *d, const struct smsdtls_session *s)
{
	size_t	i;

	for (i = 0; i < d->nlinks; i++)
		if (d->links[i].ep != NULL && smsdtls_endpoint_find(
		    d->links[i].ep, smsdtls_session_peer(s)) == s)
			return &d->links[i];
	return NULL;
}

static void
persist_put(struct smsd *d, struct smsd_link *l, struct smsdtls_session *s)
{
	uint8_t	blob[PERSIST_BLOB_MAX];
	char	key[SMSD_KEY_MAX + 48];
	size_t	len;
	smsdtls_rc rc;

	persist_key(l, smsdtls_session_peer(s), key, sizeof(key));
	rc = smsdtls_session_export(s, blob, sizeof(blob), &len);
	if (rc == SMSDTLS_OK)
		rc = sessstore_put(d->store, key, blob, len);
	if (rc != SMSDTLS_OK)
		smsd_log(d, SMSDTLS_LOG_WARN, "%s: session not saved: %s", key,
		    smsdtls_strerror(rc));
}

void
smsd_session_save(struct smsd *d, struct smsdtls_session *s)
{
	struct smsd_link *l;

	if (d->store == NULL || (l = persist_link(d, s)) == NULL)
		return;
	persist_put(d, l, s);
	sessstore_sync(d->store);
}

void
smsd_session_forget(struct smsd *d, const struct smsdtls_peer *peer)
{
	char	key[SMSD_KEY_MAX + 48];
	size_t	i;

	if (d->store == NULL)
		return;
	for (i = 0; i < d->nlinks; i++) {
		persist_key(&d->links[i], peer, key, sizeof(key));
		sessstore_del(d->store, key);
	}
}

static void
save_one(struct smsdtls_session *s, void *arg)
{
	struct smsd *d = arg;
	struct smsd_link *l;

	if (smsdtls_session_established(s) && (l = persist_link(d, s)) != NULL)
		persist_put(d, l, s);
}

void
smsd_sessions_save_all(struct smsd *d)
{
	size_t	i;

	if (d->store == NULL)
		return;
	for (i = 0; i < d->nlinks; i++)
		if (d->links[i].ep != NULL)
			smsdtls_endpoint_foreach(d->links[i].ep, save_one, d);
	sessstore_sync(d->store);
}

static void
restore_one(void *arg, const char *key, const uint8_t *blob, size_t len)
{
	struct smsd *d = arg;
	struct smsdtls_session *s;
	struct smsd_link *l;
	const char *sp = strchr(key, ' ');
	char	name[32];
	smsdtls_rc rc;

	if (sp == NULL || (size_t)(sp - key) >= sizeof(name) ||
	    strncmp(key, "port ", 5) == 0)
		return;
	memcpy(name, key, (size_t)(sp - key));
	name[sp - key] = '\0';
	if ((l = smsd_link_by_name(d, name)) == NULL || l->ep == NULL) {
		smsd_log(d, SMSDTLS_LOG_INFO, "%s: saved session for a bearer "
		    "no longer configured: skipped", key);
		return;
	}
	rc = smsdtls_endpoint_import(l->ep, blob, len, smsd_now(), &s);
	if (rc != SMSDTLS_OK) {
		smsd_log(d, SMSDTLS_LOG_WARN, "%s: saved session not "
		    "restored: %s", key, smsdtls_strerror(rc));
		return;
	}
	d->st.sessions_restored++;
	if (d->o.role == SMSD_BRIDGE)
		bridge_adopt(d, s);
}

void
smsd_sessions_restore(struct smsd *d)
{
	size_t	i;

	if (d->store == NULL)
		return;
	sessstore_foreach(d->store, restore_one, d);
	/* Save them again: the base for the next restart has moved. */
	smsd_sessions_save_all(d);
	for (i = 0; i < d->nlinks; i++)
		if (d->links[i].drv != NULL)
			smsdtls_evdrv_kick(d->links[i].drv);
	if (d->st.sessions_restored > 0)
		smsd_log(d, SMSDTLS_LOG_INFO, "%llu sessions restored",
		    (unsigned long long)d->st.sessions_restored);
}

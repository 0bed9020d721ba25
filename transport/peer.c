/*
 * peer.c - transport addresses: an SMS peer (an E.164 MSISDN, ITU-T
 * E.164, in the canonical international form of 3GPP TS 23.040 9.1.2.5,
 * and the WDP ports of 9.2.3.24.4), a UDP peer (IPv4 or IPv6 address and
 * port) or a numbered in-memory peer.
 *
 * Peers are plain values: every constructor zeroes the whole struct
 * before filling it, and smsdtls_peer_equal() compares only the fields
 * that the kind uses, so a peer built by hand compares correctly as long
 * as those fields are set.  Canonical SMS numbers make one sender meet
 * itself whether the network reports it as "+447700900123",
 * "07700900123" or "00447700900123".  An IPv4-mapped IPv6 address stays
 * an IPv6 peer, distinct from the IPv4 one; the IPv6 scope id and flow
 * label are not kept.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <smsdtls/transport.h>

static void	peer_format_sms(const struct smsdtls_peer *, char *, size_t);
static void	peer_format_udp(const struct smsdtls_peer *, char *, size_t);

/*
 * An SMS peer.  An empty country_code counts as unknown, so that a
 * config's "" can be passed straight through.
 */
smsdtls_rc
smsdtls_peer_sms(struct smsdtls_peer *peer, const char *number,
    const char *country_code, uint16_t port, uint16_t local_port)
{
	struct smsdtls_addr parsed, canon;
	struct smsdtls_peer p;
	smsdtls_rc rc;

	if (peer == NULL || number == NULL)
		return SMSDTLS_EINVAL;
	if (country_code != NULL && *country_code == '\0')
		country_code = NULL;
	if ((rc = smsdtls_addr_parse(number, &parsed)) != SMSDTLS_OK)
		return rc;
	rc = smsdtls_addr_canonical(&parsed, country_code, &canon);
	if (rc != SMSDTLS_OK)
		return rc;
	memset(&p, 0, sizeof(p));
	p.kind = SMSDTLS_PEER_SMS;
	p.port = port;
	p.local_port = local_port;
	p.u.msisdn = canon;
	*peer = p;
	return SMSDTLS_OK;
}

smsdtls_rc
smsdtls_peer_udp(struct smsdtls_peer *peer, const void *sa, size_t salen)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct smsdtls_peer p;

	/* sockaddr_in is the smaller of the two: enough to read the family. */
	if (peer == NULL || sa == NULL || salen < sizeof(sin))
		return SMSDTLS_EINVAL;
	memset(&p, 0, sizeof(p));
	p.kind = SMSDTLS_PEER_UDP;
	memcpy(&sin, sa, sizeof(sin));
	switch (sin.sin_family) {
	case AF_INET:
		p.ip_family = 4;
		p.port = ntohs(sin.sin_port);
		memcpy(p.u.ip, &sin.sin_addr, 4);
		break;
	case AF_INET6:
		if (salen < sizeof(sin6))
			return SMSDTLS_EINVAL;
		memcpy(&sin6, sa, sizeof(sin6));
		p.ip_family = 6;
		p.port = ntohs(sin6.sin6_port);
		memcpy(p.u.ip, &sin6.sin6_addr, 16);
		break;
	default:
		return SMSDTLS_EINVAL;
	}
	*peer = p;
	return SMSDTLS_OK;
}

/*
 * *salen is in and out: on entry the size of the buffer at sa, on
 * success the size of the sockaddr written.  SMSDTLS_ETOOBIG if the
 * buffer is too small, SMSDTLS_EINVAL if peer is not a UDP peer.
 */
smsdtls_rc
smsdtls_peer_to_sockaddr(const struct smsdtls_peer *peer, void *sa,
    size_t *salen)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (peer == NULL || sa == NULL || salen == NULL ||
	    peer->kind != SMSDTLS_PEER_UDP)
		return SMSDTLS_EINVAL;
	switch (peer->ip_family) {
	case 4:
		if (*salen < sizeof(sin))
			return SMSDTLS_ETOOBIG;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(peer->port);
		memcpy(&sin.sin_addr, peer->u.ip, 4);
		memcpy(sa, &sin, sizeof(sin));
		*salen = sizeof(sin);
		return SMSDTLS_OK;
	case 6:
		if (*salen < sizeof(sin6))
			return SMSDTLS_ETOOBIG;
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(peer->port);
		memcpy(&sin6.sin6_addr, peer->u.ip, 16);
		memcpy(sa, &sin6, sizeof(sin6));
		*salen = sizeof(sin6);
		return SMSDTLS_OK;
	default:
		return SMSDTLS_EINVAL;
	}
}

void
smsdtls_peer_mem(struct smsdtls_peer *peer, uint32_t id)
{
	if (peer == NULL)
		return;
	memset(peer, 0, sizeof(*peer));
	peer->kind = SMSDTLS_PEER_MEM;
	peer->u.id = id;
}

/* Field by field, by kind: padding and unused union bytes do not count. */
bool
smsdtls_peer_equal(const struct smsdtls_peer *a, const struct smsdtls_peer *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case SMSDTLS_PEER_SMS:
		return a->port == b->port && a->local_port == b->local_port &&
		    smsdtls_addr_equal(&a->u.msisdn, &b->u.msisdn);
	case SMSDTLS_PEER_UDP:
		if (a->ip_family != b->ip_family || a->port != b->port)
			return false;
		if (a->ip_family == 4)
			return memcmp(a->u.ip, b->u.ip, 4) == 0;
		return memcmp(a->u.ip, b->u.ip, 16) == 0;
	case SMSDTLS_PEER_MEM:
		return a->u.id == b->u.id;
	default:
		return true;	/* two NONE (or unknown) peers: no fields */
	}
}

void
smsdtls_peer_format(const struct smsdtls_peer *peer, char *buf,
    size_t buflen)
{
	if (buf == NULL || buflen == 0)
		return;
	if (peer == NULL) {
		snprintf(buf, buflen, "(null)");
		return;
	}
	switch (peer->kind) {
	case SMSDTLS_PEER_SMS:
		peer_format_sms(peer, buf, buflen);
		break;
	case SMSDTLS_PEER_UDP:
		peer_format_udp(peer, buf, buflen);
		break;
	case SMSDTLS_PEER_MEM:
		snprintf(buf, buflen, "mem:%u", (unsigned)peer->u.id);
		break;
	default:
		snprintf(buf, buflen, "none");
		break;
	}
}

/* "+447700900123:5684>16001", or the number alone without WDP ports. */
static void
peer_format_sms(const struct smsdtls_peer *peer, char *buf, size_t buflen)
{
	char num[SMSDTLS_ADDR_TEXT_MAX + 2];

	if (smsdtls_addr_format(&peer->u.msisdn, num, sizeof(num)) !=
	    SMSDTLS_OK)
		snprintf(num, sizeof(num), "?");
	if (peer->port == 0 && peer->local_port == 0)
		snprintf(buf, buflen, "%s", num);
	else
		snprintf(buf, buflen, "%s:%u>%u", num, (unsigned)peer->port,
		    (unsigned)peer->local_port);
}

/* "192.0.2.1:5684" or "[2001:db8::1]:5684". */
static void
peer_format_udp(const struct smsdtls_peer *peer, char *buf, size_t buflen)
{
	char ip[INET6_ADDRSTRLEN];
	int af = peer->ip_family == 6 ? AF_INET6 : AF_INET;

	if (peer->ip_family != 4 && peer->ip_family != 6) {
		snprintf(buf, buflen, "udp:?");
		return;
	}
	if (inet_ntop(af, peer->u.ip, ip, sizeof(ip)) == NULL)
		snprintf(ip, sizeof(ip), "?");
	if (af == AF_INET6)
		snprintf(buf, buflen, "[%s]:%u", ip, (unsigned)peer->port);
	else
		snprintf(buf, buflen, "%s:%u", ip, (unsigned)peer->port);
}

/*
 * udp.c - the UDP transport: DTLS over a datagram socket that the caller
 * owns and polls (RFC 6347 section 4.1, "DTLS over UDP"), for testing the
 * RFC 7925 profile over IP and for the SMS<->UDP bridge.
 *
 * Sends never block (MSG_DONTWAIT, whatever the socket's mode): a full
 * socket buffer is SMSDTLS_AGAIN, a datagram is dropped, and DTLS
 * retransmits.  A datagram larger than the configured PMTU is refused
 * with SMSDTLS_ETOOBIG before it reaches the kernel, so that the same
 * limits as over SMS can be tried on a loopback socket.  On an IPv6
 * socket an IPv4 peer is sent to as its IPv4-mapped address, and on an
 * IPv4 socket an IPv4-mapped peer as its IPv4 address; received
 * addresses are reported as the kernel gives them (IPv4-mapped IPv6
 * addresses stay IPv6 peers, RFC 4291 2.5.5.2).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <smsdtls/transport.h>

#define RECV_TRIES	8	/* EINTR and ICMP errors skipped per recv */

struct smsdtls_udp {
	int		fd;
	int		family;		/* the socket's: AF_INET(6) */
	size_t		pmtu;
};

static size_t	udp_pmtu(void *, const struct smsdtls_peer *);
static smsdtls_rc udp_send(void *, const struct smsdtls_peer *,
		    const uint8_t *, size_t, const struct smsdtls_send_info *);
static smsdtls_rc udp_errno(int);
static void	udp_map_v4(struct smsdtls_peer *);
static void	udp_unmap_v4(struct smsdtls_peer *);

/* The prefix of an IPv4-mapped IPv6 address (RFC 4291 2.5.5.2). */
static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static const struct smsdtls_transport_ops udp_ops = {
	.pmtu = udp_pmtu,
	.send = udp_send
};

/* fd must be a bound or unbound AF_INET or AF_INET6 datagram socket. */
smsdtls_rc
smsdtls_udp_new(int fd, size_t pmtu, struct smsdtls_udp **udpp)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct smsdtls_udp *udp;

	if (fd < 0 || pmtu == 0 || udpp == NULL)
		return SMSDTLS_EINVAL;
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		return SMSDTLS_EINVAL;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return SMSDTLS_EINVAL;
	if ((udp = calloc(1, sizeof(*udp))) == NULL)
		return SMSDTLS_ENOMEM;
	udp->fd = fd;
	udp->family = ss.ss_family;
	udp->pmtu = pmtu;
	*udpp = udp;
	return SMSDTLS_OK;
}

/* The socket is the caller's: it stays open. */
void
smsdtls_udp_free(struct smsdtls_udp *udp)
{
	free(udp);
}

void
smsdtls_udp_transport(struct smsdtls_udp *udp, struct smsdtls_transport *t)
{
	if (t == NULL)
		return;
	t->ops = &udp_ops;
	t->arg = udp;
}

/*
 * SMSDTLS_ETOOBIG when the datagram did not fit buflen: it was dropped
 * (a DTLS record is never usable in part).
 */
smsdtls_rc
smsdtls_udp_recv(struct smsdtls_udp *udp, uint8_t *buf, size_t buflen,
    size_t *len, struct smsdtls_peer *peer)
{
	struct sockaddr_storage ss;
	struct smsdtls_peer p;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;
	int e, tries;

	if (udp == NULL || len == NULL || peer == NULL ||
	    (buf == NULL && buflen > 0))
		return SMSDTLS_EINVAL;
	for (tries = 0;; tries++) {
		memset(&ss, 0, sizeof(ss));
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = buflen;
		msg.msg_name = &ss;
		msg.msg_namelen = sizeof(ss);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if ((n = recvmsg(udp->fd, &msg, MSG_DONTWAIT)) >= 0)
			break;
		if ((e = errno) == EAGAIN || e == EWOULDBLOCK)
			return SMSDTLS_AGAIN;
		/* EINTR, or an ICMP error reported once: read again. */
		if (e != EINTR && udp_errno(e) != SMSDTLS_AGAIN)
			return udp_errno(e);
		if (tries == RECV_TRIES)
			return SMSDTLS_AGAIN;
	}
	if (msg.msg_flags & MSG_TRUNC)
		return SMSDTLS_ETOOBIG;
	if (smsdtls_peer_udp(&p, &ss, msg.msg_namelen) != SMSDTLS_OK)
		return SMSDTLS_EINVAL;
	*len = (size_t)n;
	*peer = p;
	return SMSDTLS_OK;
}

static size_t
udp_pmtu(void *arg, const struct smsdtls_peer *peer)
{
	const struct smsdtls_udp *udp = arg;

	(void)peer;
	return udp != NULL ? udp->pmtu : 0;
}

static smsdtls_rc
udp_send(void *arg, const struct smsdtls_peer *peer, const uint8_t *data,
    size_t len, const struct smsdtls_send_info *info)
{
	struct smsdtls_udp *udp = arg;
	struct sockaddr_storage ss;
	struct smsdtls_peer to;
	size_t sslen = sizeof(ss);
	ssize_t n;

	(void)info;
	if (udp == NULL || peer == NULL || (data == NULL && len > 0) ||
	    peer->kind != SMSDTLS_PEER_UDP)
		return SMSDTLS_EINVAL;
	if (len > udp->pmtu)
		return SMSDTLS_ETOOBIG;
	to = *peer;
	if (udp->family == AF_INET6 && to.ip_family == 4)
		udp_map_v4(&to);
	else if (udp->family == AF_INET && to.ip_family == 6 &&
	    memcmp(to.u.ip, v4mapped, sizeof(v4mapped)) == 0)
		udp_unmap_v4(&to);
	if (smsdtls_peer_to_sockaddr(&to, &ss, &sslen) != SMSDTLS_OK)
		return SMSDTLS_EINVAL;
	do
		n = sendto(udp->fd, data, len, MSG_DONTWAIT,
		    (struct sockaddr *)&ss, (socklen_t)sslen);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return udp_errno(errno);
	return (size_t)n == len ? SMSDTLS_OK : SMSDTLS_EINVAL;
}

/* Rewrite an IPv4 peer as ::ffff:a.b.c.d for an IPv6 socket. */
static void
udp_map_v4(struct smsdtls_peer *p)
{
	uint8_t v4[4];

	memcpy(v4, p->u.ip, 4);
	memcpy(p->u.ip, v4mapped, sizeof(v4mapped));
	memcpy(p->u.ip + 12, v4, 4);
	p->ip_family = 6;
}

/* And back, for an IPv4 socket. */
static void
udp_unmap_v4(struct smsdtls_peer *p)
{
	memmove(p->u.ip, p->u.ip + 12, 4);
	memset(p->u.ip + 4, 0, 12);
	p->ip_family = 4;
}

/*
 * A full buffer or an unreachable peer (often an ICMP error left by an
 * earlier datagram) is SMSDTLS_AGAIN: the datagram is lost and DTLS
 * retransmits or times out.  EMSGSIZE is SMSDTLS_ETOOBIG; anything else
 * (a bad socket, a wrong address family, a forbidden address) is
 * SMSDTLS_EINVAL.
 */
static smsdtls_rc
udp_errno(int e)
{
	switch (e) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case ENOBUFS:
	case ENOMEM:
	case ECONNREFUSED:
	case ECONNRESET:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
		return SMSDTLS_AGAIN;
	case EMSGSIZE:
		return SMSDTLS_ETOOBIG;
	default:
		return SMSDTLS_EINVAL;
	}
}

/*
 * smsdtls.h - public API of libsmsdtls: DTLS 1.2 over GSM SMS
 * (RFC 7925 Appendix A) and its SMS framing codecs.
 *
 * This umbrella header pulls in the whole installed API.  All calls are
 * single-threaded per object; the library never reads the clock, sleeps,
 * allocates behind the caller's back in the codecs, or prints anything.
 */
#ifndef SMSDTLS_SMSDTLS_H
#define SMSDTLS_SMSDTLS_H

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>
#include <smsdtls/transport.h>
#include <smsdtls/session.h>

#endif /* SMSDTLS_SMSDTLS_H */

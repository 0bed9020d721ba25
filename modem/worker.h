/*
 * worker.h - the process that owns one modem's libgammu state machine
 * (modem/worker.c).  modem.c forks it and talks to it over a socketpair
 * with the frames of modem/proto.h.
 */
#ifndef SMSDTLS_MODEM_WORKER_H
#define SMSDTLS_MODEM_WORKER_H

#include <stdbool.h>

#include "modem/modem.h"

/* Exit codes of the worker process. */
#define WORKER_EXIT_OK		0	/* the owner closed the socket */
#define WORKER_EXIT_FAIL	1	/* a PROTO_FAIL was sent */

/*
 * Run the worker on fd (a SOCK_SEQPACKET end; the rest of the process
 * state is the owner's, untouched): run the reset hook first if
 * run_hook, connect, then serve frames, new-message indications and
 * storage polls until the owner closes fd or the modem fails.  Blocks;
 * returns the exit code.  Call it in a fresh child only.
 */
int	worker_run(int fd, const struct modem_conf *conf, bool run_hook);

/*
 * Read a SIM PIN from path: 4 to 8 digits, surrounding white space
 * ignored.  -1 with *why set (a static text that never holds the PIN)
 * if the file cannot be read or holds anything else.
 */
int	worker_read_pin(const char *path, char *pin, size_t pinlen,
	    const char **why);

#endif /* SMSDTLS_MODEM_WORKER_H */

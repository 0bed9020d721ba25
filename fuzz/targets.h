/*
 * targets.h - libFuzzer targets for the parsers of data received over the
 * air: TPDUs (3GPP TS 23.040 9.2.2), user data headers (9.2.3.24), WDP
 * reassembly of concatenated SMS, and the frames of the simulated SMSC's
 * socket link.
 *
 * Each fuzz_X() takes one input, returns 0, and calls abort() when a
 * property that must hold does not.  fuzz/fuzz_X.c also defines
 * LLVMFuzzerTestOneInput() unless FUZZ_NO_MAIN is defined, which is how
 * tests/check_fuzz_corpus.c links them all to replay fuzz/corpus/.
 */
#ifndef SMSDTLS_FUZZ_TARGETS_H
#define SMSDTLS_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	fuzz_tpdu(const uint8_t *data, size_t size);
int	fuzz_udh(const uint8_t *data, size_t size);
int	fuzz_wdp(const uint8_t *data, size_t size);
int	fuzz_link(const uint8_t *data, size_t size);

#ifndef FUZZ_NO_MAIN
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif

/* Abort when a property fails; libFuzzer and Check both report it. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

static inline _Noreturn void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
	abort();
}

#endif /* SMSDTLS_FUZZ_TARGETS_H */

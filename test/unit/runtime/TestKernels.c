/*===- TestKernels.c - hand-written kernels with the artifact ABI ------------===*
 *
 * Built as a shared object whose bytes the runtime tests put into artifacts as CODE_ELF
 * (docs/artifact.md): each kernel is `void k(void *const *buffers, int64_t begin,
 * int64_t end)` over work items, touching only its bindings, like generated code.
 * Shapes are baked in, as the compiler bakes them in. The constants mirror
 * TestArtifacts.h.
 *===----------------------------------------------------------------------------===*/
#include <stdint.h>

#define KILN_TEST_ELEMENTS 1000 /* f32[10x100] */
#define KILN_TEST_BLOCK 16      /* elements per work item: 63 items, the last one short */
#define KILN_TEST_SCALES 16

#define KILN_EXPORT __attribute__((visibility("default")))

static void blockRange(int64_t begin, int64_t end, int64_t *lo, int64_t *hi) {
  *lo = begin * KILN_TEST_BLOCK;
  *hi = end * KILN_TEST_BLOCK;
  if (*hi > KILN_TEST_ELEMENTS) {
    *hi = KILN_TEST_ELEMENTS;
  }
}

/* t = x + y; buffers: x, y, t. */
KILN_EXPORT void kiln_test_add(void *const *buffers, int64_t begin, int64_t end) {
  const float *x = (const float *)buffers[0];
  const float *y = (const float *)buffers[1];
  float *t = (float *)buffers[2];
  int64_t lo, hi;
  blockRange(begin, end, &lo, &hi);
  for (int64_t i = lo; i < hi; ++i) {
    t[i] = x[i] + y[i];
  }
}

/* z = t * c[i % 16]; buffers: t, c, z. */
KILN_EXPORT void kiln_test_scale(void *const *buffers, int64_t begin, int64_t end) {
  const float *t = (const float *)buffers[0];
  const float *c = (const float *)buffers[1];
  float *z = (float *)buffers[2];
  int64_t lo, hi;
  blockRange(begin, end, &lo, &hi);
  for (int64_t i = lo; i < hi; ++i) {
    z[i] = t[i] * c[i % KILN_TEST_SCALES];
  }
}

/* For every work item i of the call: begins[i] = begin, ends[i] = end (i64 outputs), so
 * a test sees exactly how the runtime split the work items. */
KILN_EXPORT void kiln_test_chunks(void *const *buffers, int64_t begin, int64_t end) {
  int64_t *begins = (int64_t *)buffers[0];
  int64_t *ends = (int64_t *)buffers[1];
  for (int64_t i = begin; i < end; ++i) {
    begins[i] = begin;
    ends[i] = end;
  }
}

/* out[k] = address of buffer k modulo 64, for the first three buffers; buffer 3 is out
 * (i64[3]). One work item. */
KILN_EXPORT void kiln_test_alignment(void *const *buffers, int64_t begin, int64_t end) {
  int64_t *out = (int64_t *)buffers[3];
  for (int k = 0; k < 3; ++k) {
    out[k] = (int64_t)((uintptr_t)buffers[k] % 64);
  }
  (void)begin;
  (void)end;
}

/* Not exported: an artifact naming it must be refused at load. */
__attribute__((visibility("hidden"))) void kiln_test_hidden(void *const *buffers, int64_t begin,
                                                            int64_t end) {
  (void)buffers;
  (void)begin;
  (void)end;
}

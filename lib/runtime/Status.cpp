//===- Status.cpp - kiln runtime status objects ----------------------------===//
//
// Status objects carry a code and an owned message across the C API boundary. NULL is
// success so the common path allocates nothing.
//
//===----------------------------------------------------------------------------===//
#include "kiln/runtime.h"

#include <new>
#include <string>

struct kilnStatusImpl {
  kilnStatusCode code;
  std::string message;
};

// Returned when allocating a status itself fails; never freed.
static kilnStatusImpl gOutOfMemoryStatus{KILN_OUT_OF_MEMORY,
                                         "out of memory creating a status"};

extern "C" {

const char *kilnRuntimeGetVersion(void) {
#define KILN_STR2(x) #x
#define KILN_STR(x) KILN_STR2(x)
  return KILN_STR(KILN_VERSION_MAJOR) "." KILN_STR(KILN_VERSION_MINOR) "." KILN_STR(
      KILN_VERSION_PATCH);
#undef KILN_STR
#undef KILN_STR2
}

kilnStatus kilnStatusCreate(kilnStatusCode code, const char *message) {
  if (code == KILN_OK) {
    return nullptr;
  }
  auto *s = new (std::nothrow) kilnStatusImpl{code, message ? message : ""};
  return s ? s : &gOutOfMemoryStatus;
}

kilnStatusCode kilnStatusGetCode(kilnStatus status) {
  return status ? status->code : KILN_OK;
}

const char *kilnStatusGetMessage(kilnStatus status) {
  return status ? status->message.c_str() : "";
}

void kilnStatusDestroy(kilnStatus status) {
  if (status != &gOutOfMemoryStatus) {
    delete status;
  }
}

const char *kilnStatusCodeGetName(kilnStatusCode code) {
  switch (code) {
  case KILN_OK:
    return "ok";
  case KILN_INVALID_ARGUMENT:
    return "invalid argument";
  case KILN_NOT_FOUND:
    return "not found";
  case KILN_UNSUPPORTED:
    return "unsupported";
  case KILN_DATA_LOSS:
    return "data loss";
  case KILN_OUT_OF_MEMORY:
    return "out of memory";
  case KILN_INTERNAL:
    return "internal error";
  case KILN_STATUS_MAX_ENUM:
    break;
  }
  return "unknown status code";
}

} // extern "C"

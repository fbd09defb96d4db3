// CAtomicPair is header-only (include/CAtomicPair.h); a C target needs one source file.
#include "CAtomicPair.h"

// CPrefetch is header-only (include/CPrefetch.h); a C target needs one source file.
#include "CPrefetch.h"

// CZstd only exposes <zstd.h> (include/CZstd.h); a C target needs one source file.
#include "CZstd.h"

// CByteMarks is header-only (include/CByteMarks.h); a C target needs one source file.
#include "CByteMarks.h"

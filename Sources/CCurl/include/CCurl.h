#ifndef FOLLOWTHROUGH_CCURL_H
#define FOLLOWTHROUGH_CCURL_H
#include <curl/curl.h>
// Non-variadic wrappers around curl_easy_setopt / curl_easy_getinfo, which Swift cannot call.
CURLcode ft_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ft_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ft_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ft_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

// Typed setters for callbacks, so Swift passes real C function pointers.
CURLcode ft_curl_set_read_function(CURL *handle, curl_read_callback callback, void *userdata);
CURLcode ft_curl_set_debug_function(CURL *handle, curl_debug_callback callback, void *userdata);

CURLcode ft_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

// curl_global_init(CURL_GLOBAL_ALL): the macro does not import into Swift.
CURLcode ft_curl_global_init_all(void);
// CURL_ERROR_SIZE, for sizing a CURLOPT_ERRORBUFFER.
size_t ft_curl_error_size(void);
#endif

#ifndef FOLLOWTHROUGH_CCURL_H
#define FOLLOWTHROUGH_CCURL_H
#include <curl/curl.h>
// Non-variadic wrappers around curl_easy_setopt / curl_easy_getinfo, which Swift cannot call.
CURLcode ft_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ft_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ft_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
#endif

#include "CCurl.h"
CURLcode ft_curl_setopt_long(CURL *handle, CURLoption option, long value) { return curl_easy_setopt(handle, option, value); }
CURLcode ft_curl_setopt_string(CURL *handle, CURLoption option, const char *value) { return curl_easy_setopt(handle, option, value); }
CURLcode ft_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) { return curl_easy_setopt(handle, option, value); }
CURLcode ft_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) { return curl_easy_setopt(handle, option, value); }

CURLcode ft_curl_set_read_function(CURL *handle, curl_read_callback callback, void *userdata) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(handle, CURLOPT_READDATA, userdata);
}

CURLcode ft_curl_set_debug_function(CURL *handle, curl_debug_callback callback, void *userdata) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    rc = curl_easy_setopt(handle, CURLOPT_DEBUGDATA, userdata);
    if (rc != CURLE_OK) return rc;
    // The debug function is only called in verbose mode; it replaces curl's own stderr output.
    return curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);
}

CURLcode ft_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) { return curl_easy_getinfo(handle, info, value); }

CURLcode ft_curl_global_init_all(void) { return curl_global_init(CURL_GLOBAL_ALL); }
size_t ft_curl_error_size(void) { return CURL_ERROR_SIZE; }

#ifndef GATEHOUSE_CCURL_SHIM_H
#define GATEHOUSE_CCURL_SHIM_H
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdbool.h>

/* libcurl is opened when the first mail is sent, not linked: Debian's libcurl4 brings
   gnutls, p11-kit, nettle, libssh2, librtmp, nghttp2 and more, which every Gatehouse
   process would otherwise map and initialise at start (about 2.3 MB of RSS per worker
   process) although most instances send a mail a day. The functions below are the only
   way in; SMTPClient.swift calls them after gatehouse_curl_load() returned true. */
struct gatehouse_curl_functions {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

/* The one table, kept inside a function: Swift emits the header's inline functions with
   their own statics, but no file-scope variable. */
static inline struct gatehouse_curl_functions *gatehouse_curl_table(void) {
    static struct gatehouse_curl_functions table;
    return &table;
}
#define gatehouse_curl_api (*gatehouse_curl_table())

/* Opens libcurl and runs its global set-up; false (dlerror() says why) when it is missing.
   Called once (a Swift static), before any other function here. */
static inline bool gatehouse_curl_load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return false;
#define GATEHOUSE_CURL_SYMBOL(field, name) \
    if ((*(void **)&gatehouse_curl_api.field = dlsym(library, name)) == NULL) return false;
    GATEHOUSE_CURL_SYMBOL(global_init, "curl_global_init")
    GATEHOUSE_CURL_SYMBOL(easy_init, "curl_easy_init")
    GATEHOUSE_CURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    GATEHOUSE_CURL_SYMBOL(easy_perform, "curl_easy_perform")
    GATEHOUSE_CURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    GATEHOUSE_CURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    GATEHOUSE_CURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
    GATEHOUSE_CURL_SYMBOL(slist_append, "curl_slist_append")
    GATEHOUSE_CURL_SYMBOL(slist_free_all, "curl_slist_free_all")
#undef GATEHOUSE_CURL_SYMBOL
    return gatehouse_curl_api.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

/* Why gatehouse_curl_load() failed. */
static inline const char *gatehouse_curl_load_error(void) {
    const char *reason = dlerror();
    return reason != NULL ? reason : "curl_global_init failed";
}

static inline CURL *gatehouse_curl_easy_init(void) { return gatehouse_curl_api.easy_init(); }
static inline void gatehouse_curl_easy_cleanup(CURL *handle) { gatehouse_curl_api.easy_cleanup(handle); }
static inline CURLcode gatehouse_curl_easy_perform(CURL *handle) { return gatehouse_curl_api.easy_perform(handle); }
static inline const char *gatehouse_curl_easy_strerror(CURLcode code) { return gatehouse_curl_api.easy_strerror(code); }
static inline struct curl_slist *gatehouse_curl_slist_append(struct curl_slist *list, const char *text) {
    return gatehouse_curl_api.slist_append(list, text);
}
static inline void gatehouse_curl_slist_free_all(struct curl_slist *list) { gatehouse_curl_api.slist_free_all(list); }

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
   one typed wrapper per kind of argument Gatehouse passes. */
static inline CURLcode gatehouse_curl_set_long(CURL *handle, CURLoption option, long value) {
    return gatehouse_curl_api.easy_setopt(handle, option, value);
}
static inline CURLcode gatehouse_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return gatehouse_curl_api.easy_setopt(handle, option, value);
}
static inline CURLcode gatehouse_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return gatehouse_curl_api.easy_setopt(handle, option, value);
}
static inline CURLcode gatehouse_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return gatehouse_curl_api.easy_setopt(handle, option, value);
}
static inline CURLcode gatehouse_curl_set_read_function(CURL *handle,
        size_t (*function)(char *buffer, size_t size, size_t count, void *context)) {
    return gatehouse_curl_api.easy_setopt(handle, CURLOPT_READFUNCTION, function);
}
static inline CURLcode gatehouse_curl_response_code(CURL *handle, long *code) {
    return gatehouse_curl_api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}
#endif

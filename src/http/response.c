/* response.c: how handlers answer; every error has the same JSON shape. */
#include "http/http.h"
#include "core/log.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clear_reply(kp_req_t *req)
{
	json_decref(req->reply_json);
	req->reply_json = NULL;
	free(req->reply_body);
	req->reply_body = NULL;
	req->reply_len = 0;
}

void kp_reply_json(kp_req_t *req, int status, json_t *body)
{
	clear_reply(req);
	req->status = status;
	req->reply_json = body;
	req->content_type = "application/json; charset=utf-8";
}

void kp_reply_error(kp_req_t *req, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", msg);
	if (err == NULL) /* the message held invalid UTF-8 */
		err = json_pack("{s:s, s:s}", "code", code, "message", "request could not be processed");
	if (req->field_errors && json_array_size(req->field_errors) > 0)
		json_object_set(err, "fields", req->field_errors);
	json_object_set_new(err, "request_id", json_string(req->request_id));
	kp_reply_json(req, status, json_pack("{s:o}", "error", err));
	req->error_code = code;
}

void kp_reply_bytes(kp_req_t *req, int status, const char *content_type, const void *data, size_t len)
{
	clear_reply(req);
	req->status = status;
	req->reply_body = kp_malloc(len);
	memcpy(req->reply_body, data, len);
	req->reply_len = len;
	req->content_type = content_type;
}

void kp_reply_take(kp_req_t *req, int status, const char *content_type, void *data, size_t len)
{
	clear_reply(req);
	req->status = status;
	req->reply_body = data;
	req->reply_len = len;
	req->content_type = content_type;
}

void kp_reply_header(kp_req_t *req, const char *name, const char *value)
{
	if (req->nheaders == KP_MAX_HEADERS)
		kp_fatal("too many response headers");
	req->headers[req->nheaders].name = name;
	req->headers[req->nheaders++].value = value;
}

//! The web layer's one error type: a status and a message ("中文 / English"), shown as a page
//! in the request's language (only that half, `i18n::current`) or, under `/api`, as
//! `application/problem+json` with both halves. Causes are logged, never shown.

use axum::http::StatusCode;
use xplus_store::records::FieldProblem;
use xplus_store::Refusal;
use xplus_store::StoreError;

/// What a form or the API says above the refused fields.
pub(crate) const FIELDS_REFUSED: &str =
    "有字段未通过检查，未保存 / some fields were refused; nothing was saved";

#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub message: String,
    pub fields: Vec<FieldProblem>,
}

impl WebError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> WebError {
        WebError {
            status,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn not_found() -> WebError {
        WebError::new(
            StatusCode::NOT_FOUND,
            "找不到该页面或记录（或不在您的管辖范围内）/ not found (or outside your reach)",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::FORBIDDEN, message)
    }

    pub fn bad_request(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn csrf() -> WebError {
        WebError::forbidden(
            "表单已过期或来源不明，请刷新页面后重试 / the form has expired or did not come from this site; reload the page and try again",
        )
    }

    /// The problem type URI of the status, for API clients to branch on.
    pub fn problem_type(&self) -> &'static str {
        match self.status {
            StatusCode::NOT_FOUND => "/api/problems/not-found",
            StatusCode::FORBIDDEN => "/api/problems/forbidden",
            StatusCode::UNAUTHORIZED => "/api/problems/unauthorized",
            StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED => "/api/problems/conflict",
            StatusCode::PRECONDITION_REQUIRED => "/api/problems/precondition-required",
            StatusCode::UNPROCESSABLE_ENTITY => "/api/problems/rejected",
            StatusCode::TOO_MANY_REQUESTS => "/api/problems/throttled",
            StatusCode::BAD_REQUEST => "/api/problems/bad-request",
            StatusCode::PAYLOAD_TOO_LARGE => "/api/problems/too-large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "/api/problems/unsupported-media-type",
            StatusCode::SERVICE_UNAVAILABLE => "/api/problems/timeout",
            _ => "/api/problems/internal",
        }
    }
}

/// What a refusal is on the web, in one place: the status and the words (fields by name).
impl From<Refusal> for WebError {
    fn from(r: Refusal) -> WebError {
        match r {
            Refusal::NotFound(_) => WebError::not_found(),
            Refusal::Forbidden(m) => WebError::forbidden(m),
            Refusal::Conflict(m) => WebError::new(StatusCode::CONFLICT, m),
            Refusal::Invalid(m) => WebError::new(StatusCode::UNPROCESSABLE_ENTITY, m),
            Refusal::Rejected(fields) => WebError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: FIELDS_REFUSED.into(),
                fields,
            },
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::Refused(r) => r.into(),
            // Waiting for another write or an import took too long: nothing was written, and
            // the user can try again (not an internal failure).
            e if e.is_busy() => {
                tracing::warn!(error = %e, "busy");
                WebError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "系统正忙（其他人正在保存或导入），未保存任何内容，请稍后重试 / busy: another save or import is in progress; nothing was saved, try again shortly",
                )
            }
            // A file that cannot be read as a bundle (not a workbook, broken CSV) is bad input.
            StoreError::Source(e) => WebError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
            e => {
                let mut chain = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                tracing::error!(error = %chain, "request failed");
                WebError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务器内部错误，已记录 / internal error (logged)",
                )
            }
        }
    }
}

/// A report file that could not be built is the server's fault, never the user's.
impl From<xplus_output::OutputError> for WebError {
    fn from(e: xplus_output::OutputError) -> WebError {
        tracing::error!(error = %e, "building a file failed");
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "服务器内部错误，已记录 / internal error (logged)",
        )
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> WebError {
        tracing::error!(error = %e, "template failed");
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "服务器内部错误，已记录 / internal error (logged)",
        )
    }
}

//! The error type AWS services name in the `x-amzn-errortype` header of an error answer
//! (`ThrottlingException`, or with a namespace suffix:
//! `ValidationException:http://internal.amazon.com/coral/...`).

use crate::error::{Error, ErrorKind};

/// The response header naming the error type.
const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

/// An error type without its namespace suffix.
pub fn type_name(error_type: &str) -> &str {
    error_type.split(':').next().unwrap_or_default()
}

/// `error` with the header's error type as its code and, when `kind_of` knows the type (given
/// in lower case, as HTTP answers and streams spell types differently), the kind it means.
pub fn with_error_type(error: Error, kind_of: impl Fn(&str, &Error) -> Option<ErrorKind>) -> Error {
    let Some(error_type) = error.header(ERROR_TYPE_HEADER).map(type_name) else {
        return error;
    };
    let error_type = error_type.to_owned();
    let error = error.with_code(error_type.clone());
    match kind_of(&error_type.to_ascii_lowercase(), &error) {
        Some(kind) => error.with_kind(kind),
        None => error,
    }
}

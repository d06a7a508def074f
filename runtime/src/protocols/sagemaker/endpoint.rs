//! The endpoint a call goes to: the model's `sagemaker_endpoint` credential under the
//! region's runtime URL, and the signed request.

use serde_json::Value;

use super::error::with_error_type;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{percent_encode, HttpRequest};
use crate::protocol::CallContext;
use crate::protocols::aws::Target;

/// The credential naming the endpoint (Dify's model form).
const ENDPOINT: &str = "sagemaker_endpoint";

/// The service name requests are signed for.
const SERVICE: &str = "sagemaker";

/// One endpoint of one call.
pub struct Invocation<'a> {
    target: Target<'a>,
    path: String,
}

impl<'a> Invocation<'a> {
    /// The endpoint of `ctx`'s model.
    pub fn resolve(ctx: &CallContext<'a>) -> Result<Self> {
        let name = ctx.credential(ENDPOINT).map(str::trim).ok_or_else(|| {
            ctx.error(
                ErrorKind::InvalidCredentials,
                format!("the `{ENDPOINT}` credential names the SageMaker endpoint to call"),
            )
        })?;
        let target = Target::resolve(&ctx.provider_context(), SERVICE)
            .map_err(|e| e.in_call(ctx.provider.id, ctx.model.id))?;
        Ok(Invocation {
            target,
            path: format!("/endpoints/{}", percent_encode(name)),
        })
    }

    /// A signed InvokeEndpoint request (`streamed`: InvokeEndpointWithResponseStream).
    pub fn post(&self, body: &Value, streamed: bool) -> Result<HttpRequest> {
        let action = if streamed {
            "invocations-response-stream"
        } else {
            "invocations"
        };
        self.target
            .post(self.target.url(&format!("{}/{action}", self.path)), body)
    }

    /// An error as it leaves the call: kind and code from SageMaker's error type, without the
    /// key id or session token.
    pub fn finish_error(&self, error: Error) -> Error {
        self.target.redact(with_error_type(error))
    }
}

// predefined/acme/acme.yaml does not declare fetch-from-remote.
use modelrt_sdk::runtime::catalog::ModelType;
use modelrt_sdk::runtime::protocol::{BoxFuture, ProviderContext, RemoteModel};
use modelrt_sdk::runtime::Result;

modelrt_sdk::include_providers!("../fixtures/predefined");

#[modelrt_sdk::provider(acme)]
impl RemoteModels {
    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        model_type: ModelType,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>> {
        let models = ctx.provider.models_of(model_type);
        let listed = models.map(|m| RemoteModel { id: m.id.to_owned(), model_type, owned_by: None });
        let listed: Vec<RemoteModel> = listed.collect();
        Box::pin(async move { Ok(listed) })
    }
}

fn main() {}

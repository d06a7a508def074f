"""The official `openai` Python package against `modelrt serve`, in front of the real
llama.cpp server that scripts/with-llama-server.sh starts.

Run by scripts/test-gateway-python.sh. Reads MODELRT_GATEWAY_BIN (the `modelrt` binary),
MODELRT_E2E_BASE_URL, MODELRT_E2E_EMBED_URL and MODELRT_E2E_MODEL. Prints one line per test
and ends with `N passed, N failed`; the exit status is non-zero if any failed.
"""

import os
import sys
import tempfile

import openai

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from gateway_process import running_gateway  # noqa: E402

GATEWAY_KEY = "gateway-test-key"
CHAT_MODEL = "openai_api_compatible/" + os.environ["MODELRT_E2E_MODEL"]
# The embedding instance serves the same model under its own name: a `[provider/model]`
# section of the credentials file wins over the provider-wide `[provider]` one.
EMBED_MODEL = "openai_api_compatible/embedder"


def write_credentials(config_home):
    folder = os.path.join(config_home, "modelrt")
    os.makedirs(folder)
    path = os.path.join(folder, "credentials")
    with open(path, "w") as f:
        f.write("[openai_api_compatible]\n")
        f.write("endpoint_url = %s\n" % os.environ["MODELRT_E2E_BASE_URL"])
        f.write("[openai_api_compatible/embedder]\n")
        f.write("endpoint_url = %s\n" % os.environ["MODELRT_E2E_EMBED_URL"])
        f.write("endpoint_model_name = %s\n" % os.environ["MODELRT_E2E_MODEL"])
    os.chmod(path, 0o600)


def gateway_env(config_home):
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = config_home
    env["MODELRT_GATEWAY_KEY"] = GATEWAY_KEY
    # An environment variable would win over both sections of the file.
    env.pop("MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL", None)
    return env


def expect_status(error_type, status, call):
    try:
        call()
    except error_type as error:
        assert error.status_code == status, (error.status_code, error)
        return error
    raise AssertionError("expected HTTP %d" % status)


def tests(client, base_url):
    def models():
        ids = [m.id for m in client.models.list()]
        assert CHAT_MODEL in ids, ids

    def chat():
        answer = client.chat.completions.create(
            model=CHAT_MODEL,
            messages=[{"role": "user", "content": "Say hello."}],
            max_tokens=16,
            temperature=0.2,
        )
        assert answer.object == "chat.completion"
        assert answer.model == CHAT_MODEL
        assert answer.choices[0].message.role == "assistant"
        assert answer.choices[0].message.content, answer
        assert answer.usage.total_tokens > 0, answer.usage

    def streamed_chat_with_usage():
        stream = client.chat.completions.create(
            model=CHAT_MODEL,
            messages=[{"role": "user", "content": "Count to five."}],
            max_tokens=16,
            stream=True,
            stream_options={"include_usage": True},
        )
        text, usage, chunks = "", None, 0
        for chunk in stream:
            chunks += 1
            if chunk.choices and chunk.choices[0].delta.content:
                text += chunk.choices[0].delta.content
            if chunk.usage:
                usage = chunk.usage
        assert chunks > 2, chunks
        assert text, "no text streamed"
        # llama.cpp sends no usage in streams: the gateway's comes from modelrt's estimate.
        assert usage is not None and usage.completion_tokens > 0, usage

    def embeddings():
        # This model has no pooling: llama.cpp answers one vector per token, which the
        # gateway reports as an upstream failure naming the cause, not as an embedding.
        error = expect_status(
            openai.APIStatusError,
            502,
            lambda: client.embeddings.create(model=EMBED_MODEL, input=["Hello world"]),
        )
        assert "pooling" in str(error), error

    def responses_api():
        response = client.responses.create(
            model=CHAT_MODEL,
            instructions="Answer briefly.",
            input="Say hello.",
            max_output_tokens=16,
        )
        assert response.object == "response"
        assert response.status in ("completed", "incomplete"), response.status
        assert response.output_text, response
        assert response.usage.total_tokens > 0

    def responses_api_streamed():
        events = list(
            client.responses.create(
                model=CHAT_MODEL, input="Say hello.", max_output_tokens=16, stream=True
            )
        )
        kinds = [e.type for e in events]
        assert kinds[0] == "response.created", kinds
        assert kinds[-1] == "response.completed", kinds
        deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
        assert deltas, kinds
        assert events[-1].response.output_text == deltas

    def unknown_model_is_404():
        error = expect_status(
            openai.NotFoundError,
            404,
            lambda: client.chat.completions.create(
                model="nosuchprovider/x", messages=[{"role": "user", "content": "hi"}]
            ),
        )
        assert error.code == "model_not_found", error.body

    def wrong_gateway_key_is_401():
        wrong = openai.OpenAI(base_url=base_url, api_key="wrong-key", max_retries=0)
        expect_status(openai.AuthenticationError, 401, lambda: wrong.models.list())

    def out_of_range_parameter_is_400():
        error = expect_status(
            openai.BadRequestError,
            400,
            lambda: client.chat.completions.create(
                model=CHAT_MODEL,
                messages=[{"role": "user", "content": "hi"}],
                temperature=7,
            ),
        )
        assert error.param == "temperature", error.body

    return [
        models,
        chat,
        streamed_chat_with_usage,
        embeddings,
        responses_api,
        responses_api_streamed,
        unknown_model_is_404,
        wrong_gateway_key_is_401,
        out_of_range_parameter_is_400,
    ]


def main():
    with tempfile.TemporaryDirectory() as config_home:
        write_credentials(config_home)
        with running_gateway(gateway_env(config_home), config_home) as (origin, tally):
            base_url = origin + "/v1"
            client = openai.OpenAI(base_url=base_url, api_key=GATEWAY_KEY, max_retries=0)
            for test in tests(client, base_url):
                tally.run(test)
    return tally.exit_status()


if __name__ == "__main__":
    sys.exit(main())

//! A client that disconnects mid-stream cancels the upstream request.

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::support::{self, MODEL};

/// An upstream that streams a chunk every 50 ms for ten seconds and reports when its
/// connection is closed before that.
async fn endless_upstream() -> (String, oneshot::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (closed, closed_rx) = oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        // The request head and its small JSON body arrive before any answer is needed.
        while !String::from_utf8_lossy(&request).contains("\"messages\"") {
            let n = socket.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the gateway closed before sending its request");
            request.extend_from_slice(&buffer[..n]);
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"}}]}\n\n";
        let chunk = format!("{:x}\r\n{event}\r\n", event.len());
        for _ in 0..200 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                let _ = closed.send(());
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    (base, closed_rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_disconnect_cancels_the_upstream_request() {
    let (upstream, closed) = endless_upstream().await;
    let gateway = support::start(&upstream).await;
    let mut response = gateway
        .post(
            "/v1/chat/completions",
            &json!({"model": MODEL, "messages": [{"role": "user", "content": "count"}], "stream": true}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let first = response.chunk().await.unwrap().unwrap();
    assert!(
        String::from_utf8_lossy(&first).contains("tick"),
        "{first:?}"
    );
    drop(response);
    tokio::time::timeout(Duration::from_secs(5), closed)
        .await
        .expect("the upstream connection was not closed within 5 s of the client leaving")
        .unwrap();
}

//! A real S3-protocol server for tests: `moto_server` on a free port of 127.0.0.1.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;

use super::Project;

/// A `moto_server` on a free port of 127.0.0.1, stopped on drop.
pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    /// Starts a server; `None` (the test skips) when `moto_server` is not installed, which
    /// fails the test under CI instead.
    pub fn start() -> Option<Moto> {
        // A server that could not take its port (another process took it first) exits:
        // start again on another one.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let spawned = Command::new("moto_server")
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let child = match spawned {
                Ok(child) => child,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "CI must install moto_server (see .ci/run)"
                    );
                    eprintln!("skipped: no moto_server on PATH (pip install 'moto[server]')");
                    return None;
                }
                Err(e) => panic!("moto_server does not start: {e}"),
            };
            let mut moto = Moto { child, port };
            if moto.answers() {
                return Some(moto);
            }
        }
        panic!("moto_server did not start");
    }

    /// Waits until this server answers S3 requests; false if it exited first.
    fn answers(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if self
                .request("GET / HTTP/1.1")
                .is_some_and(|a| a.contains("ListAllMyBucketsResult"))
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// One request line with an empty body; the whole answer, if the server took it.
    fn request(&self, line: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        write!(
            stream,
            "{line}\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        Some(answer)
    }

    /// `feedwright run --json --config <project>` with this server's credentials.
    pub fn run(&self, project: &Project) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("feedwright").unwrap();
        cmd.args(["run", "--json", "--config"])
            .arg(project.config());
        for (name, value) in self.env() {
            cmd.env(name, value);
        }
        cmd
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Creates a bucket (path-style `PUT /bucket`).
    pub fn create_bucket(&self, name: &str) {
        let answer = self
            .request(&format!("PUT /{name} HTTP/1.1"))
            .expect("moto_server answers");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    pub fn env(&self) -> [(&'static str, String); 5] {
        [
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    pub fn store(&self, bucket: &str) -> impl ObjectStore + use<> {
        AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .with_region("us-east-1")
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .build()
            .unwrap()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A runtime to call the object store from a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The bytes of the object `name`.
pub fn read(store: &impl ObjectStore, name: &str) -> Vec<u8> {
    use object_store::ObjectStoreExt;
    runtime()
        .block_on(async {
            store
                .get(&object_store::path::Path::from(name))
                .await?
                .bytes()
                .await
        })
        .unwrap()
        .to_vec()
}

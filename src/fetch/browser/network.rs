//! Keeping the browser out of the machine's own network: a page's scripts may not make it
//! request a link-local address (169.254.0.0/16, fe80::/10: the cloud metadata services),
//! a metadata host name, or a loopback or private address unless the page itself is on one.
//! Host names are resolved first, and every address they resolve to must pass; what is
//! refused is counted and logged by the caller.

use std::collections::HashMap;
use std::net::IpAddr;

use url::{Host, Url};

/// Host names of cloud metadata services.
const METADATA_HOSTS: [&str; 4] = [
    "metadata.google.internal",
    "metadata",
    "instance-data",
    "metadata.azure.internal",
];

/// Where an address is, as far as the rule goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Link-local: never.
    LinkLocal,
    /// This machine or its private network: only from a page there.
    Local,
    /// Anywhere else.
    Public,
}

fn reach(address: IpAddr) -> Reach {
    match address {
        IpAddr::V4(v4) => {
            if v4.is_link_local() {
                Reach::LinkLocal
            } else if v4.is_loopback()
                || v4.is_private()
                || v4.is_unspecified()
                || v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1])
            {
                Reach::Local
            } else {
                Reach::Public
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return reach(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            if first & 0xffc0 == 0xfe80 {
                Reach::LinkLocal
            } else if v6.is_loopback() || v6.is_unspecified() || first & 0xfe00 == 0xfc00 {
                Reach::Local
            } else {
                Reach::Public
            }
        }
    }
}

/// Whether a page whose own host is local (`page_local`) may make a request to `address`.
pub(super) fn allowed(page_local: bool, address: IpAddr) -> bool {
    match reach(address) {
        Reach::LinkLocal => false,
        Reach::Local => page_local,
        Reach::Public => true,
    }
}

/// The rule for one page's requests, with the addresses of the hosts met so far.
#[derive(Debug)]
pub(super) struct Guard {
    page_local: bool,
    resolved: HashMap<String, Vec<IpAddr>>,
}

impl Guard {
    /// The guard of a page at `page`.
    pub(super) async fn new(page: &Url) -> Guard {
        let mut guard = Guard {
            page_local: false,
            resolved: HashMap::new(),
        };
        let addresses = guard.addresses(page).await;
        guard.page_local = addresses.iter().any(|a| reach(*a) == Reach::Local);
        guard
    }

    /// Why a request to `target` is refused, or `None` when it may go.
    pub(super) async fn refuses(&mut self, target: &Url) -> Option<String> {
        if let Some(Host::Domain(name)) = target.host() {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if METADATA_HOSTS.contains(&name.as_str()) {
                return Some(format!("{name} is a metadata service"));
            }
        }
        let addresses = self.addresses(target).await;
        addresses
            .into_iter()
            .find(|a| !allowed(self.page_local, *a))
            .map(|a| match reach(a) {
                Reach::LinkLocal => format!("{a} is link-local (a metadata service's range)"),
                _ => format!("{a} is on this machine's own network and the page is not"),
            })
    }

    /// The addresses `url`'s host stands for (an address as written, else resolved once).
    async fn addresses(&mut self, url: &Url) -> Vec<IpAddr> {
        match url.host() {
            Some(Host::Ipv4(v4)) => vec![IpAddr::V4(v4)],
            Some(Host::Ipv6(v6)) => vec![IpAddr::V6(v6)],
            Some(Host::Domain(name)) => {
                if let Some(known) = self.resolved.get(name) {
                    return known.clone();
                }
                let port = url.port_or_known_default().unwrap_or(80);
                let found: Vec<IpAddr> = tokio::net::lookup_host((name, port))
                    .await
                    .map(|addrs| addrs.map(|a| a.ip()).collect())
                    .unwrap_or_default();
                self.resolved.insert(name.to_string(), found.clone());
                found
            }
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_rule() {
        let table: [(bool, &str, bool); 16] = [
            // (page on a local address, request address, allowed)
            (false, "93.184.216.34", true),
            (false, "169.254.169.254", false),
            (true, "169.254.169.254", false),
            (false, "127.0.0.1", false),
            (true, "127.0.0.1", true),
            (false, "10.1.2.3", false),
            (false, "192.168.1.1", false),
            (false, "172.16.0.5", false),
            (true, "192.168.1.1", true),
            (false, "2606:4700::1111", true),
            (false, "fe80::1", false),
            (true, "fe80::1", false),
            (false, "::1", false),
            (true, "::1", true),
            (false, "fd00::5", false),
            (false, "::ffff:169.254.169.254", false),
        ];
        for (page_local, address, want) in table {
            let address: IpAddr = address.parse().unwrap();
            assert_eq!(allowed(page_local, address), want, "{page_local} {address}");
        }
    }

    #[tokio::test]
    async fn names_are_resolved_and_metadata_hosts_refused() {
        let mut public = Guard {
            page_local: false,
            resolved: HashMap::new(),
        };
        let metadata = Url::parse("http://metadata.google.internal/computeMetadata/v1/").unwrap();
        assert!(public.refuses(&metadata).await.is_some());
        let imds = Url::parse("http://169.254.169.254/latest/meta-data/").unwrap();
        assert!(public.refuses(&imds).await.unwrap().contains("link-local"));
        let localhost = Url::parse("http://localhost:8080/admin").unwrap();
        assert!(public.refuses(&localhost).await.is_some());
        let mut local = Guard::new(&Url::parse("http://127.0.0.1:9000/news/").unwrap()).await;
        assert!(local.refuses(&localhost).await.is_none());
        assert!(local.refuses(&imds).await.is_some());
    }
}

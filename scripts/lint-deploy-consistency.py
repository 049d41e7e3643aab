"""Deployment consistency check (run by scripts/lint-deploy.sh in its linter venv, with PyYAML).

Names, labels, ports and probe paths agree across the Kubernetes manifests in the directory given
as the only argument, the Dockerfile, .dockerignore, Cargo.lock, scripts/setup.sh and the routes in
src/; hardening settings are present; ConfigMap keys are variables the app reads. Run from the
repository root. Prints each problem to stderr and a last line "consistency: N documents,
N problems"; exits 1 when there are problems.
"""
import pathlib, re, sys
import yaml

k8s_dir = pathlib.Path(sys.argv[1])
problems = []
def problem(msg):
    problems.append(msg)

# --- load manifests ---------------------------------------------------------
docs = {}   # (kind, name) -> (file, doc)
for path in sorted(k8s_dir.glob("*.yaml")):
    for doc in yaml.safe_load_all(path.read_text()):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            problem(f"{path}: a document is not a mapping")
            continue
        for key in ("apiVersion", "kind"):
            if not doc.get(key):
                problem(f"{path}: document without {key}")
        if doc.get("kind") == "Kustomization":
            docs[("Kustomization", path.name)] = (path, doc)
            continue
        name = (doc.get("metadata") or {}).get("name")
        if not name:
            problem(f"{path}: {doc.get('kind')} without metadata.name")
            continue
        docs[(doc["kind"], name)] = (path, doc)

def one(kind):
    found = [(p, d) for (k, _), (p, d) in docs.items() if k == kind]
    if len(found) != 1:
        problem(f"expected exactly one {kind}, found {len(found)}")
        return None, {}
    return found[0]

def subset(small, big):
    return bool(small) and all(big.get(k) == v for k, v in small.items())

# --- kustomization lists every manifest but the Secret example -----------------
_, kust = one("Kustomization")
listed = set(kust.get("resources") or [])
for path in sorted(k8s_dir.glob("*.yaml")):
    if path.name == "kustomization.yaml":
        continue
    if path.name.startswith("secret") and path.name in listed:
        problem(f"kustomization.yaml lists {path.name}: applying would overwrite real keys with placeholders")
    if not path.name.startswith("secret") and path.name not in listed:
        problem(f"kustomization.yaml does not list {path.name}")
for name in listed:
    if not (k8s_dir / name).exists():
        problem(f"kustomization.yaml lists missing {name}")

# --- Dockerfile facts --------------------------------------------------------
dockerfile = pathlib.Path("Dockerfile").read_text()
lines, cur = [], ""
for raw in dockerfile.splitlines():
    if raw.lstrip().startswith("#") and not cur:
        continue
    if raw.rstrip().endswith("\\"):
        cur += raw.rstrip()[:-1] + " "
        continue
    lines.append(cur + raw)
    cur = ""
instr = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if len(l.split(None, 1)) > 1 else "")
         for l in lines if l.strip()]
stages = [i for i, (op, _) in enumerate(instr) if op == "FROM"]
final = instr[stages[-1]:] if stages else []
args = {}
for op, rest in instr:
    if op == "ARG" and "=" in rest:
        k, v = rest.split("=", 1)
        args[k.strip()] = v.strip().strip('"')
env = {}
for op, rest in final:
    if op == "ENV":
        for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', rest):
            env[k] = v.strip('"')
expose = [int(re.match(r"\d+", r).group()) for op, r in final if op == "EXPOSE"]
users = [r.strip() for op, r in final if op == "USER"]
docker_uid = int(users[-1].split(":")[0]) if users and users[-1].split(":")[0].isdigit() else None
if docker_uid is None or docker_uid == 0:
    problem("Dockerfile: the runtime stage must end with a numeric non-root USER")
addr_port = int(env.get("LEPTOS_SITE_ADDR", ":0").rsplit(":", 1)[1])
if expose != [addr_port]:
    problem(f"Dockerfile: EXPOSE {expose} differs from LEPTOS_SITE_ADDR port {addr_port}")
if env.get("LEPTOS_SITE_ROOT") != "/app/site":
    problem("Dockerfile: LEPTOS_SITE_ROOT must be /app/site")

lock = pathlib.Path("Cargo.lock").read_text()
m = re.search(r'name = "wasm-bindgen"\nversion = "([^"]+)"', lock)
if not m or args.get("WASM_BINDGEN_VERSION") != m.group(1):
    problem(f"Dockerfile: WASM_BINDGEN_VERSION={args.get('WASM_BINDGEN_VERSION')} but Cargo.lock has "
            f"wasm-bindgen {m.group(1) if m else '?'}")
setup = pathlib.Path("scripts/setup.sh").read_text()
m = re.search(r"^CARGO_LEPTOS_VERSION=(\S+)", setup, re.M)
if not m or args.get("CARGO_LEPTOS_VERSION") != m.group(1):
    problem(f"Dockerfile: CARGO_LEPTOS_VERSION={args.get('CARGO_LEPTOS_VERSION')} but scripts/setup.sh "
            f"installs {m.group(1) if m else '?'}")
pkg = pathlib.Path("package.json").read_text()
if '"binaryen"' not in pkg:
    problem("package.json has no npm binaryen: the image build would need Debian's (broken) wasm-opt")
if re.search(r"apt-get install[^\n&;]*\bbinaryen\b", dockerfile):
    problem("Dockerfile installs Debian's binaryen, which breaks the release bundle")

# Every COPY from the build context must exist and be let through by the .dockerignore allowlist.
allowed = [l.strip()[1:].rstrip("/") for l in pathlib.Path(".dockerignore").read_text().splitlines()
           if l.strip().startswith("!")]
for op, rest in instr:
    if op != "COPY" or "--from=" in rest:
        continue
    srcs = [s for s in rest.split() if not s.startswith("--")][:-1]
    for src in srcs:
        src = src.rstrip("/").removeprefix("./")
        if not pathlib.Path(src).exists():
            problem(f"Dockerfile: COPY {src}: no such file in the build context")
        if not any(src == a or src.startswith(a + "/") for a in allowed):
            problem(f"Dockerfile: COPY {src} is excluded by .dockerignore")

# Every compile-time input of the crate must reach the image build: a file the compiler reads
# (include_str!/include_bytes!, fluent_templates' `locales:` directory, build.rs), what
# cargo-leptos reads ([package.metadata.leptos] style/assets, Tailwind's @source), and — when a
# build has run here — every file in the crate's dep-info (target/**/hydra_logout_ui-*.d), which
# also names what proc macros included. Test-only inputs (tests/, #[cfg(test)]) are not needed.
import os, glob
root = pathlib.Path.cwd().resolve()
copied = []
for op, rest in instr:
    if op == "COPY" and "--from=" not in rest:
        copied += [s.rstrip("/").removeprefix("./") for s in rest.split() if not s.startswith("--")][:-1]
def in_context(rel):
    rel = rel.rstrip("/")
    by_copy = any(rel == c or rel.startswith(c + "/") for c in copied)
    by_ignore = any(rel == a or rel.startswith(a + "/") for a in allowed)
    return by_copy and by_ignore
inputs = {}  # relative path -> why
def add_input(path, why):
    p = pathlib.Path(os.path.normpath(path))
    try:
        rel = str(p.resolve().relative_to(root)) if p.is_absolute() else str(p)
    except ValueError:
        return  # outside the repository (registry crates, toolchain)
    if rel.startswith(("target/", "tests/")) or rel == "target":
        return
    # Read by clippy/rustfmt runs (which write dep-info too), not by the build.
    if rel in ("clippy.toml", ".clippy.toml", "rustfmt.toml", ".rustfmt.toml"):
        return
    inputs.setdefault(rel, why)
for src in pathlib.Path("src").rglob("*.rs"):
    text = src.read_text()
    # Strip #[cfg(test)] modules' includes: they are compiled only by `cargo test`.
    test_at = text.find("#[cfg(test)]")
    body = text if test_at < 0 else text[:test_at]
    for m in re.finditer(r'include_(?:str|bytes)!\(\s*"([^"]+)"', body):
        add_input(src.parent / m.group(1), f"{src}: include")
    for m in re.finditer(r'locales:\s*"([^"]+)"', body):
        add_input(m.group(1), f"{src}: fluent_templates::static_loader! locales (relative to the crate root)")
if pathlib.Path("build.rs").exists():
    add_input("build.rs", "build script")
cargo_toml = pathlib.Path("Cargo.toml").read_text()
meta = cargo_toml.split("[package.metadata.leptos]", 1)[-1]
for key in ("tailwind-input-file", "style-file", "assets-dir", "tailwind-config-file"):
    m = re.search(rf'^{key}\s*=\s*"([^"]+)"', meta, re.M)
    if m:
        add_input(m.group(1), f"Cargo.toml [package.metadata.leptos] {key}")
        if key == "tailwind-input-file" and pathlib.Path(m.group(1)).exists():
            css = pathlib.Path(m.group(1))
            for src in re.findall(r'@source\s+"([^"]+)"', css.read_text()):
                add_input(css.parent / src, f"{css}: Tailwind @source")
dep_infos = [f for depth in range(1, 4)
             for f in glob.glob("target/" + "*/" * depth + "deps/hydra_logout_ui-*.d")]
for dep_info in dep_infos:
    # Make syntax: "output: input input …", one line per output and per input; spaces escaped.
    for line in pathlib.Path(dep_info).read_text().splitlines():
        if line.startswith("#"):
            continue
        for token in line.replace("\\ ", "\0").replace(":", " ").split():
            token = token.replace("\0", " ")
            # A stale dep-info may name a file deleted since; only existing ones count.
            if pathlib.Path(token).exists():
                add_input(token, f"dep-info {dep_info}")
for rel, why in sorted(inputs.items()):
    if not pathlib.Path(rel).exists():
        problem(f"compile-time input {rel} ({why}) does not exist")
    elif not in_context(rel):
        problem(f"Dockerfile: compile-time input {rel} ({why}) is not in the image build "
                "(no COPY of it, or .dockerignore excludes it)")

# ... and must be watched by `cargo leptos watch`, or editing it changes nothing until some Rust
# file is touched. cargo-leptos 0.3 watches `.rs` files under src/, the assets dir, the Tailwind
# input and config files, and what [package.metadata.leptos] watch-additional-files names.
m = re.search(r'^watch-additional-files\s*=\s*\[([^\]]*)\]', meta, re.M)
watched_extra = re.findall(r'"([^"]+)"', m.group(1)) if m else []
def leptos_setting(key):
    m = re.search(rf'^{key}\s*=\s*"([^"]+)"', meta, re.M)
    return m.group(1).rstrip("/").removeprefix("./") if m else None
watched_files = {leptos_setting("tailwind-input-file"), leptos_setting("tailwind-config-file")}
watched_dirs = [d for d in [leptos_setting("assets-dir"), *watched_extra] if d]
def watched(rel):
    if rel == "src" or (rel.startswith("src/") and rel.endswith(".rs")):
        return True
    return rel in watched_files or any(rel == d.rstrip("/") or rel.startswith(d.rstrip("/") + "/")
                                       for d in watched_dirs)
for rel, why in sorted(inputs.items()):
    if rel in ("Cargo.toml", "Cargo.lock", "Leptos.toml"):
        # cargo-leptos restarts on Cargo.toml itself; Leptos.toml is read at run time (and by a
        # unit test, whose dep-info names it), never by the build.
        continue
    if pathlib.Path(rel).exists() and not watched(rel):
        problem(f"Cargo.toml: compile-time input {rel} ({why}) is not watched by `cargo leptos "
                "watch` (add it to [package.metadata.leptos] watch-additional-files)")

# --- routes the app serves ---------------------------------------------------
routes = set(re.findall(r'\.route\(\s*"([^"]+)"', "".join(
    p.read_text() for p in pathlib.Path("src").rglob("*.rs"))))
# Variables the app reads: every quoted upper-case name in the server sources, and RUST_LOG
# (read by tracing's EnvFilter) and LEPTOS_* (leptos_config).
known_vars = set(re.findall(r'"([A-Z][A-Z0-9_]{3,})"', "".join(
    p.read_text() for p in pathlib.Path("src/server").rglob("*.rs")))) | {"RUST_LOG"}

# --- Deployment --------------------------------------------------------------
_, dep = one("Deployment")
spec = dep.get("spec") or {}
tmpl = spec.get("template") or {}
pod_labels = (tmpl.get("metadata") or {}).get("labels") or {}
if not subset((spec.get("selector") or {}).get("matchLabels") or {}, pod_labels):
    problem("Deployment: selector.matchLabels does not match the pod template labels")
if (spec.get("replicas") or 0) < 2:
    problem("Deployment: fewer than 2 replicas")
pod = tmpl.get("spec") or {}
psc = pod.get("securityContext") or {}
if psc.get("runAsNonRoot") is not True:
    problem("Deployment: pod securityContext.runAsNonRoot must be true")
if psc.get("runAsUser") != docker_uid:
    problem(f"Deployment: runAsUser {psc.get('runAsUser')} differs from the Dockerfile USER {docker_uid}")
grace = pod.get("terminationGracePeriodSeconds", 30)
containers = pod.get("containers") or []
if len(containers) != 1:
    problem("Deployment: expected one container")
c = containers[0] if containers else {}
ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
if addr_port not in ports.values():
    problem(f"Deployment: no containerPort {addr_port} (the image listens there)")
for e in c.get("env") or []:
    if e.get("name") == "LEPTOS_SITE_ADDR" and int(str(e.get("value")).rsplit(":", 1)[1]) not in ports.values():
        problem("Deployment: LEPTOS_SITE_ADDR port is not a containerPort")
csc = c.get("securityContext") or {}
if csc.get("readOnlyRootFilesystem") is not True:
    problem("Deployment: readOnlyRootFilesystem must be true")
if csc.get("allowPrivilegeEscalation") is not False:
    problem("Deployment: allowPrivilegeEscalation must be false")
if "ALL" not in ((csc.get("capabilities") or {}).get("drop") or []):
    problem("Deployment: capabilities must drop ALL")

def port_ok(port):
    return port in ports or port in ports.values()

for probe, path in (("livenessProbe", "/health/alive"), ("readinessProbe", "/health/ready")):
    get = ((c.get(probe) or {}).get("httpGet")) or {}
    if get.get("path") != path:
        problem(f"Deployment: {probe} should GET {path}, has {get.get('path')}")
    if get.get("path") not in routes:
        problem(f"Deployment: {probe} path {get.get('path')} is not a route in src/")
    if not port_ok(get.get("port")):
        problem(f"Deployment: {probe} port {get.get('port')} is not a container port")
ann = (tmpl.get("metadata") or {}).get("annotations") or {}
if ann.get("prometheus.io/path") and ann["prometheus.io/path"] not in routes:
    problem(f"Deployment: prometheus.io/path {ann['prometheus.io/path']} is not a route in src/")
if ann.get("prometheus.io/port") and not port_ok(int(ann["prometheus.io/port"])):
    problem("Deployment: prometheus.io/port is not a container port")
sleep = (((c.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds", 0)
if not 1 <= sleep < grace:
    problem(f"Deployment: preStop sleep {sleep}s must be >= 1 and below terminationGracePeriodSeconds {grace}")

qty = re.compile(r"^([0-9]+(\.[0-9]+)?)(m|Ki|Mi|Gi|k|M|G)?$")
scale = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}
def amount(v):
    m = qty.match(str(v))
    return float(m.group(1)) * scale[m.group(3)] if m else None
res = c.get("resources") or {}
for res_name in ("cpu", "memory"):
    req = (res.get("requests") or {}).get(res_name)
    lim = (res.get("limits") or {}).get(res_name)
    if req is None or lim is None:
        problem(f"Deployment: resources.requests/limits.{res_name} missing")
        continue
    if amount(req) is None or amount(lim) is None:
        problem(f"Deployment: resources {res_name} {req!r}/{lim!r} is not a valid quantity")
    elif amount(req) > amount(lim):
        problem(f"Deployment: {res_name} request {req} exceeds the limit {lim}")
mem_limit = amount((res.get("limits") or {}).get("memory", "0")) or 0
if mem_limit < 64 * 1024**2:
    problem("Deployment: memory limit below 64Mi leaves no headroom for a 10-30 MB process")

# ConfigMap / Secret references resolve, ConfigMap keys are variables the app reads.
for ref in c.get("envFrom") or []:
    name = (ref.get("configMapRef") or {}).get("name")
    if name:
        cm = docs.get(("ConfigMap", name))
        if not cm:
            problem(f"Deployment: envFrom ConfigMap {name} is not defined")
            continue
        for key in (cm[1].get("data") or {}):
            if key not in known_vars and not key.startswith("LEPTOS_"):
                problem(f"ConfigMap {name}: {key} is not a variable the app reads")
for e in c.get("env") or []:
    ref = (e.get("valueFrom") or {}).get("secretKeyRef")
    if ref:
        sec = docs.get(("Secret", ref.get("name")))
        if not sec:
            problem(f"Deployment: secretKeyRef {ref.get('name')} has no example Secret")
        elif ref.get("key") not in (sec[1].get("stringData") or {}) | (sec[1].get("data") or {}):
            problem(f"Deployment: secretKeyRef key {ref.get('key')} is not in the example Secret")
    if e.get("name") in ("LOGOUT_UI_SECRET", "ORY_API_KEY", "ORY_PAT") and "value" in e:
        problem(f"Deployment: {e['name']} must come from a Secret, not a literal value")
for (kind, name), (path, d) in docs.items():
    if kind == "ConfigMap":
        for key in (d.get("data") or {}):
            if key in ("LOGOUT_UI_SECRET", "ORY_API_KEY", "ORY_PAT"):
                problem(f"{path}: {key} belongs in a Secret")
    if kind == "Secret":
        placeholder = (d.get("stringData") or {}).get("LOGOUT_UI_SECRET", "")
        if len(placeholder) >= 32:
            problem(f"{path}: the LOGOUT_UI_SECRET placeholder must stay < 32 characters so the app "
                    "refuses to start with it")

# --- Service, HPA, PDB ---------------------------------------------------------
_, svc = one("Service")
if not subset((svc.get("spec") or {}).get("selector") or {}, pod_labels):
    problem("Service: selector does not match the pod labels")
for p in (svc.get("spec") or {}).get("ports") or []:
    if not port_ok(p.get("targetPort")):
        problem(f"Service: targetPort {p.get('targetPort')} is not a container port")
    if p.get("targetPort") in ("metrics", ports.get("metrics")):
        problem("Service: exposes the metrics port; /metrics is not for the public ingress")
# Metrics on their own listener: METRICS_ADDR's port is a container port other than the app's.
metrics_env = next((e.get("value") for e in c.get("env") or [] if e.get("name") == "METRICS_ADDR"), None)
if metrics_env is not None and metrics_env != "off":
    mport = int(str(metrics_env).rsplit(":", 1)[1])
    if mport == addr_port or mport not in ports.values():
        problem(f"Deployment: METRICS_ADDR port {mport} must be its own containerPort, not the app's {addr_port}")
    if ann.get("prometheus.io/port") and int(ann["prometheus.io/port"]) != mport:
        problem("Deployment: prometheus.io/port is not METRICS_ADDR's port")
if ann.get("prometheus.io/path") == "/metrics" and metrics_env in (None, "off"):
    problem("Deployment: scrape annotations but METRICS_ADDR is unset: the default listens on loopback only")
_, hpa = one("HorizontalPodAutoscaler")
target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
if (target.get("kind"), target.get("name")) != ("Deployment", dep["metadata"]["name"]):
    problem("HorizontalPodAutoscaler: scaleTargetRef is not the Deployment")
if (hpa.get("spec") or {}).get("minReplicas", 1) < 2:
    problem("HorizontalPodAutoscaler: minReplicas below 2")
_, pdb = one("PodDisruptionBudget")
if not subset(((pdb.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}, pod_labels):
    problem("PodDisruptionBudget: selector does not match the pod labels")

for p in problems:
    print(f"consistency: {p}", file=sys.stderr)
print(f"consistency: {len(docs)} documents, {len(problems)} problems")
sys.exit(1 if problems else 0)

"""A stateful fake GitHub REST API on loopback: App JWT and token auth, issues, labels, comments, reactions, files,
paginated issue lists with ETags, installations, and primary rate limits in a configurable window."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
from aiohttp import web
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

INSTALLATION: web.RequestKey = web.RequestKey("installation_id", object)
BODY: web.RequestKey = web.RequestKey("json", object)
OPENAPI = Path(__file__).resolve().parents[1] / "fixtures" / "github" / "openapi-subset.json"


@dataclass
class Fault:
    """A fault: `status` (500/502), `secondary`/`primary` rate limit, `slow`, `drop`, or `late` (acts, then 5xx)."""

    kind: str
    status: int = 500
    retry_after: int = 1
    delay: float = 30.0


def schedule(*faults: Fault | None, match: Callable[[web.Request], bool] = lambda r: True):
    """A fault hook answering the given faults, in order, to the requests `match` selects; then nothing."""
    queue = list(faults)

    def hook(request: web.Request) -> Fault | None:
        if queue and match(request):
            return queue.pop(0)
        return None

    return hook


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    status: int
    body: Any
    auth: str


@dataclass
class Comment:
    """An issue comment."""

    id: int
    body: str
    login: str
    created_at: str
    updated_at: str
    reactions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Issue:
    """An issue with its label names and comment ids."""

    number: int
    title: str
    body: str | None
    login: str
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    comments: list[int] = field(default_factory=list)
    created_at: float = 0.0
    updated_at: float = 0.0
    pull_request: bool = False
    """GitHub's issue list returns pull requests too (with a `pull_request` key)."""


@dataclass
class Repo:
    """A repository of one installation."""

    owner: str
    name: str
    installation_id: int
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)


def _now_iso(t: float | None = None) -> str:
    """GitHub's timestamp format."""
    return datetime.fromtimestamp(time.time() if t is None else t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pointer(path: str, method: str) -> str:
    """The JSON pointer to an operation's JSON request-body schema."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/{method}/requestBody/content/application~1json/schema"


class FakeGitHub:
    """The fake: `await start()` gives `url`; tests read `requests`, `violations`, `mints` and the repo state."""

    def __init__(self, *, app_id: str, public_key: str, slug: str = "firstmile-test", latency: float = 0.0,
                 token_ttl: float = 3600.0, clock: Callable[[], float] = time.time):
        self.clock = clock
        """The fake's notion of now (JWT validity, token expiry); tests can share a virtual clock with our code."""
        self.app_id, self.public_key, self.slug = app_id, public_key, slug
        self.latency, self.token_ttl = latency, token_ttl
        self.rate_limit: int | None = None
        """Requests allowed per installation (or per App JWT) in each window of `rate_window` seconds; None: no limit.
        A 304 answer to a conditional request does not count, as on GitHub."""
        self.rate_window = 3600.0
        self._buckets: dict[Any, list[float]] = {}
        self.fault: Callable[[web.Request], Fault | None] | None = None
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.mints: list[int] = []
        self.minted_tokens: list[str] = []
        """Every token minted, revoked or not (tests look for them where they must never appear)."""
        self.tokens: dict[str, tuple[int, float]] = {}
        self.repos: dict[str, Repo] = {}
        self.installations: dict[int, str] = {}
        """Installation id -> account login, for GET /app/installations (repos add theirs)."""
        self.uninstalled: set[int] = set()
        """Installations removed by `uninstall`: minting for them answers 404."""
        self._comment_index: dict[int, tuple[str, Comment]] = {}
        self._ids = itertools.count(1000)
        self._doc = json.loads(OPENAPI.read_text())
        resource = Resource.from_contents(self._doc, default_specification=DRAFT4)
        self._registry = Registry().with_resource("urn:github", resource)
        self._validators: dict[tuple[str, str], OAS30Validator | None] = {}
        self.url = ""
        self._runner: web.AppRunner | None = None

    @property
    def bot_login(self) -> str:
        """The login our App's comments appear under."""
        return f"{self.slug}[bot]"

    # ---- state helpers for tests -------------------------------------------------------------------------

    def uninstall(self, installation_id: int) -> None:
        """The App is uninstalled from an account: its installation id is gone and its tokens stop working."""
        self.installations.pop(installation_id, None)
        self.uninstalled.add(installation_id)
        self.tokens = {t: v for t, v in self.tokens.items() if v[0] != installation_id}

    def add_repo(self, full_name: str, installation_id: int = 1) -> Repo:
        """Create (or return) a repository owned by an installation."""
        owner, name = full_name.split("/")
        self.installations.setdefault(installation_id, owner)
        return self.repos.setdefault(full_name.lower(), Repo(owner, name, installation_id))

    def add_issue(self, full_name: str, number: int, title: str = "t", body: str | None = "b",
                  login: str = "octocat", labels: list[str] = (), *, state: str = "open",
                  created_at: float | None = None, updated_at: float | None = None,
                  pull_request: bool = False) -> Issue:
        """Create an issue or pull request (and its repository if needed); times are epoch seconds."""
        repo = self.add_repo(full_name)
        for label in labels:
            self._label(repo, label)
        created = self.clock() if created_at is None else created_at
        issue = repo.issues[number] = Issue(number, title, body, login, list(labels), state, created_at=created,
                                            updated_at=created if updated_at is None else updated_at,
                                            pull_request=pull_request)
        return issue

    def touch(self, issue: Issue) -> None:
        """The issue changed now (GitHub bumps `updated_at` on edits, labels and comments)."""
        issue.updated_at = max(self.clock(), issue.updated_at + 1)

    def add_comment(self, full_name: str, number: int, body: str, login: str = "octocat") -> Comment:
        """A comment by a human (or anyone) on an issue."""
        comment = Comment(next(self._ids), body, login, _now_iso(), _now_iso())
        self.repos[full_name.lower()].issues[number].comments.append(comment.id)
        self._comment_index[comment.id] = (full_name.lower(), comment)
        return comment

    def comments(self, full_name: str, number: int) -> list[Comment]:
        """The comments on an issue, oldest first."""
        return [self._comment_index[c][1] for c in self.repos[full_name.lower()].issues[number].comments]

    # ---- lifecycle ---------------------------------------------------------------------------------------

    async def start(self) -> str:
        """Serve on a free loopback port; returns the base URL."""
        app = web.Application(middlewares=[self._middleware])
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        """Shut the server down."""
        if self._runner:
            await self._runner.cleanup()

    # ---- machinery ---------------------------------------------------------------------------------------

    def _validator(self, path: str, method: str) -> OAS30Validator | None:
        """The request-body validator for an OpenAPI operation, if it has a JSON body."""
        key = (path, method)
        if key not in self._validators:
            op = self._doc["paths"].get(path, {}).get(method, {})
            has_body = "application/json" in op.get("requestBody", {}).get("content", {})
            self._validators[key] = OAS30Validator(
                {"$ref": "urn:github#" + _pointer(path, method)}, registry=self._registry,
                format_checker=oas30_format_checker) if has_body else None
        return self._validators[key]

    def _auth(self, request: web.Request) -> tuple[str, Any]:
        """('jwt', claims) for a valid App JWT, ('token', installation id), or ('none', reason)."""
        header = request.headers.get("Authorization", "")
        scheme, _, cred = header.partition(" ")
        if scheme.lower() == "bearer":
            try:
                claims = jwt.decode(cred, self.public_key, algorithms=["RS256"], options={
                    "require": ["iat", "exp", "iss"], "verify_exp": False, "verify_iat": False})
            except jwt.PyJWTError as exc:
                return "none", f"bad JWT: {exc}"
            if str(claims["iss"]) != str(self.app_id) or claims["exp"] - claims["iat"] > 600:
                return "none", "JWT issuer or lifetime wrong"
            if not claims["iat"] <= self.clock() < claims["exp"]:
                return "none", "JWT not valid now"
            return "jwt", claims
        if scheme.lower() == "token" and cred in self.tokens:
            installation_id, expires = self.tokens[cred]
            if self.clock() < expires:
                return "token", installation_id
            return "none", "token expired"
        return "none", "no credentials"

    @web.middleware
    async def _middleware(self, request: web.Request, handler):
        """Latency, faults, auth, body validation and the request log around every route."""
        raw = await request.read()
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                self.violations.append(f"{request.method} {request.path}: body is not JSON")
        response: web.StreamResponse | None = None
        record = Recorded(request.method, request.path, 0, body, "none")
        self.requests.append(record)  # logged on arrival; status filled in when answered (499: client gave up)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            fault = self.fault(request) if self.fault else None
            kind, who = self._auth(request)
            record.auth = kind
            bucket = self._bucket(kind, who)
            if fault is not None and fault.kind != "late":
                response = await self._fault(request, fault)
            elif bucket is not None and bucket[1] <= 0:
                response = web.json_response({"message": "API rate limit exceeded for installation.",
                                              "documentation_url": "https://docs.github.com/rest/rate-limit"},
                                             status=403)
            elif kind == "none":
                response = web.json_response({"message": "Bad credentials", "detail": who}, status=401)
            elif request.path.startswith("/app") and kind != "jwt":
                response = web.json_response({"message": "A JSON web token could not be decoded"}, status=401)
            else:
                route = request.match_info.route.resource
                template = route.canonical if route is not None else request.path
                validator = self._validator(template, request.method.lower())
                errors = [e.message for e in validator.iter_errors(body)] if validator and body is not None else []
                errors += self._query_errors(template, request)
                if validator and body is None and request.method in ("PATCH", "PUT"):
                    errors.append("missing JSON body")
                if errors:
                    self.violations.extend(f"{request.method} {template}: {e}" for e in errors)
                    response = web.json_response({"message": "Invalid request.", "errors": errors}, status=422)
                else:
                    request[INSTALLATION] = who if kind == "token" else None
                    request[BODY] = body
                    try:
                        response = await handler(request)
                    except web.HTTPException as exc:
                        response = web.json_response({"message": exc.reason}, status=exc.status)
                    if fault is not None and response.status < 400:  # "late": GitHub acted, then the answer failed
                        response = web.json_response({"message": "Server Error"}, status=fault.status)
        finally:
            record.status = response.status if response is not None else 499
        if bucket is not None and response is not None:
            if response.status != 304 and bucket[1] > 0:
                bucket[1] -= 1
            self._rate_headers(response, bucket)
        return response

    def _bucket(self, kind: str, who: Any) -> list[float] | None:
        """The caller's [window end, remaining] (a new window once the old one ended); None without a limit."""
        if self.rate_limit is None or kind not in ("jwt", "token"):
            return None
        key = ("installation", who) if kind == "token" else ("app",)
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket[0]:
            bucket = self._buckets[key] = [math.ceil(now / self.rate_window) * self.rate_window, self.rate_limit]
            if bucket[0] <= now:
                bucket[0] += self.rate_window
        return bucket

    def _rate_headers(self, response: web.StreamResponse, bucket: list[float]) -> None:
        """GitHub's primary rate-limit headers."""
        remaining = int(bucket[1])
        response.headers.update({"X-RateLimit-Limit": str(self.rate_limit), "X-RateLimit-Remaining": str(remaining),
                                 "X-RateLimit-Used": str(int(self.rate_limit - remaining)),
                                 "X-RateLimit-Reset": str(math.ceil(bucket[0])), "X-RateLimit-Resource": "core"})

    def _query_errors(self, template: str, request: web.Request) -> list[str]:
        """Query parameters checked against the operation's OpenAPI parameters: unknown names, wrong types."""
        op = self._doc["paths"].get(template, {}).get(request.method.lower())
        if op is None or not request.query:
            return []
        params = {}
        for p in op.get("parameters", []):
            if "$ref" in p:
                p = self._doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]
            if p["in"] == "query":
                params[p["name"]] = p.get("schema", {})
        errors = []
        for name, raw in request.query.items():
            if name not in params:
                errors.append(f"unknown query parameter {name!r}")
                continue
            schema = params[name]
            value: Any = raw
            if schema.get("type") == "integer":
                try:
                    value = int(raw)
                except ValueError:
                    errors.append(f"query {name}={raw!r} is not an integer")
                    continue
            errors += [f"query {name}: {e.message}" for e in
                       OAS30Validator(schema, format_checker=oas30_format_checker).iter_errors(value)]
        if "per_page" in request.query and "per_page" in params and not errors:
            if not 1 <= int(request.query["per_page"]) <= 100:
                errors.append("query per_page: must be 1..100")
        return errors

    async def _fault(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        """Answer with the injected fault."""
        if fault.kind == "status":
            return web.json_response({"message": "Server Error"}, status=fault.status)
        if fault.kind == "secondary":
            return web.json_response({"message": "You have exceeded a secondary rate limit."}, status=403,
                                     headers={"Retry-After": str(fault.retry_after)})
        if fault.kind == "primary":
            return web.json_response({"message": "API rate limit exceeded"}, status=403, headers={
                "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000",
                "X-RateLimit-Reset": str(int(time.time()) + fault.retry_after)})
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay)  # past the client's timeout
            return web.json_response({"message": "too late"}, status=504)
        if fault.kind == "drop":
            request.transport.close()
            return web.Response(status=499)
        raise ValueError(f"unknown fault {fault.kind}")

    def _repo(self, request: web.Request) -> Repo:
        """The repository in the path, visible to the calling installation."""
        repo = self.repos.get(f"{request.match_info['owner']}/{request.match_info['repo']}".lower())
        inst = request.get(INSTALLATION)
        if repo is None or (inst is not None and inst != repo.installation_id):
            raise web.HTTPNotFound()
        return repo

    def _issue(self, request: web.Request) -> Issue:
        """The issue in the path."""
        issue = self._repo(request).issues.get(int(request.match_info["issue_number"]))
        if issue is None:
            raise web.HTTPNotFound()
        return issue

    def _label(self, repo: Repo, name: str, color: str = "ededed", description: str | None = None) -> dict[str, Any]:
        """The repo label of that name, created if missing (GitHub creates labels added to issues)."""
        for existing in repo.labels.values():
            if existing["name"].lower() == name.lower():
                return existing
        label = {"id": next(self._ids), "node_id": "L",
                 "url": f"{self.url}/repos/{repo.owner}/{repo.name}/labels/{name}",
                 "name": name, "color": color, "default": False, "description": description}
        repo.labels[name.lower()] = label
        return label

    def _user(self, login: str) -> dict[str, Any]:
        """A minimal user object."""
        bot = login.endswith("[bot]")
        return {"login": login, "id": abs(hash(login)) % 10**8, "type": "Bot" if bot else "User"}

    def _issue_json(self, repo: Repo, issue: Issue) -> dict[str, Any]:
        """An issue as the REST API returns it (the fields bots read)."""
        kind = "pull" if issue.pull_request else "issues"
        out = {"number": issue.number, "title": issue.title, "body": issue.body, "state": issue.state,
               "user": self._user(issue.login), "labels": [self._label(repo, n) for n in issue.labels],
               "comments": len(issue.comments), "created_at": _now_iso(issue.created_at),
               "updated_at": _now_iso(issue.updated_at),
               "html_url": f"https://github.com/{repo.owner}/{repo.name}/{kind}/{issue.number}"}
        if issue.pull_request:
            out["pull_request"] = {"url": f"{self.url}/repos/{repo.owner}/{repo.name}/pulls/{issue.number}"}
        return out

    def _page(self, request: web.Request, items: list[Any], wrap: Callable[[list[Any]], Any] = lambda x: x,
              convert: Callable[[Any], Any] = lambda x: x) -> web.Response:
        """One page (`page`, `per_page`) of a list with GitHub's Link header; an ETag, and 304 on If-None-Match."""
        per_page = int(request.query.get("per_page", 30))
        page = max(1, int(request.query.get("page", 1)))
        last = max(1, math.ceil(len(items) / per_page))
        body = json.dumps(wrap([convert(x) for x in items[(page - 1) * per_page: page * per_page]])).encode()
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        links = []
        for rel, n in (("prev", page - 1), ("next", page + 1), ("last", last), ("first", 1)):
            if 1 <= n <= last and not (rel in ("last", "first") and n == page):
                query = urlencode({**request.query, "page": n})
                links.append(f'<{self.url}{request.path}?{query}>; rel="{rel}"')
        headers = {"ETag": etag, "Cache-Control": "private, max-age=60, s-maxage=60", "Vary": "Accept, Authorization"}
        if links:
            headers["Link"] = ", ".join(links)
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, status=200, headers=headers, content_type="application/json")

    async def list_issues(self, request: web.Request) -> web.Response:
        """GET /repos/{o}/{r}/issues: issues and pull requests, filtered by state and since, sorted, paginated."""
        repo, q = self._repo(request), request.query
        state = q.get("state", "open")
        since = datetime.fromisoformat(q["since"].replace("Z", "+00:00")).timestamp() if "since" in q else None
        key = {"created": lambda i: (i.created_at, i.number), "updated": lambda i: (i.updated_at, i.number),
               "comments": lambda i: (len(i.comments), i.number)}[q.get("sort", "created")]
        chosen = [i for i in repo.issues.values()
                  if (state == "all" or i.state == state) and (since is None or i.updated_at >= since)]
        chosen.sort(key=key, reverse=q.get("direction", "desc") == "desc")
        return self._page(request, chosen, convert=lambda i: self._issue_json(repo, i))

    async def get_installations(self, request: web.Request) -> web.Response:
        """GET /app/installations (App JWT): every installation of the App."""
        items = [{"id": i, "account": self._user(login), "app_id": int(self.app_id), "target_type": "Organization",
                  "repository_selection": "selected", "permissions": {"issues": "write", "metadata": "read"},
                  "events": ["issues", "issue_comment"]} for i, login in sorted(self.installations.items())]
        return self._page(request, items)

    async def get_installation_repos(self, request: web.Request) -> web.Response:
        """GET /installation/repositories (installation token): the repositories this installation can access."""
        inst = request.get(INSTALLATION)
        repos = [r for _, r in sorted(self.repos.items()) if r.installation_id == inst]
        items = [{"id": abs(hash(f"{r.owner}/{r.name}")) % 10**8, "name": r.name, "full_name": f"{r.owner}/{r.name}",
                  "owner": self._user(r.owner), "private": False} for r in repos]
        return self._page(request, items, lambda page: {"total_count": len(items), "repositories": page,
                                                        "repository_selection": "selected"})

    def _comment_json(self, comment: Comment) -> dict[str, Any]:
        """A comment as the REST API returns it."""
        return {"id": comment.id, "body": comment.body, "user": self._user(comment.login),
                "created_at": comment.created_at, "updated_at": comment.updated_at}

    def _caller_login(self, request: web.Request) -> str:
        """Who is writing: the App's bot user for installation tokens."""
        return self.bot_login

    # ---- routes ------------------------------------------------------------------------------------------

    def _routes(self, app: web.Application) -> None:
        """Register the REST routes, with the OpenAPI path templates as their canonical names."""
        r = "/repos/{owner}/{repo}"
        add = app.router.add_route
        add("GET", "/app", self.get_app)
        add("GET", "/app/installations", self.get_installations)
        add("GET", "/installation/repositories", self.get_installation_repos)
        add("GET", r + "/issues", self.list_issues)
        add("POST", "/app/installations/{installation_id}/access_tokens", self.post_token)
        add("GET", r + "/installation", self.get_installation)
        add("GET", r + "/issues/{issue_number}", self.get_issue)
        add("PATCH", r + "/issues/{issue_number}", self.patch_issue)
        add("GET", r + "/issues/{issue_number}/labels", self.get_issue_labels)
        add("POST", r + "/issues/{issue_number}/labels", self.post_issue_labels)
        add("PUT", r + "/issues/{issue_number}/labels", self.put_issue_labels)
        add("DELETE", r + "/issues/{issue_number}/labels", self.delete_issue_labels)
        add("DELETE", r + "/issues/{issue_number}/labels/{name}", self.delete_issue_label)
        add("GET", r + "/labels", self.get_labels)
        add("POST", r + "/labels", self.post_label)
        add("GET", r + "/labels/{name}", self.get_label)
        add("PATCH", r + "/labels/{name}", self.patch_label)
        add("GET", r + "/issues/{issue_number}/comments", self.get_comments)
        add("POST", r + "/issues/{issue_number}/comments", self.post_comment)
        add("GET", r + "/issues/comments/{comment_id}", self.get_comment)
        add("PATCH", r + "/issues/comments/{comment_id}", self.patch_comment)
        add("POST", r + "/issues/comments/{comment_id}/reactions", self.post_reaction)
        add("GET", r + "/collaborators/{username}/permission", self.get_permission)
        add("GET", r + "/contents/{path:.*}", self.get_contents)
        add("GET", "/rate_limit", self.get_rate_limit)

    async def get_app(self, request: web.Request) -> web.Response:
        """GET /app: who the App is."""
        return web.json_response({"id": int(self.app_id), "slug": self.slug, "name": self.slug,
                                  "owner": self._user("octo-org"), "events": ["issues", "issue_comment"]})

    async def post_token(self, request: web.Request) -> web.Response:
        """POST /app/installations/{id}/access_tokens: mint a token valid for token_ttl seconds (404 for an
        uninstalled installation)."""
        installation_id = int(request.match_info["installation_id"])
        if installation_id in self.uninstalled:
            raise web.HTTPNotFound(reason="Not Found")
        token = f"ghs_fake{next(self._ids)}"
        expires = self.clock() + self.token_ttl
        self.tokens[token] = (installation_id, expires)
        self.mints.append(installation_id)
        self.minted_tokens.append(token)
        return web.json_response({"token": token, "expires_at": _now_iso(expires),
                                  "permissions": {"issues": "write", "metadata": "read", "contents": "read"},
                                  "repository_selection": "all"}, status=201)

    async def get_installation(self, request: web.Request) -> web.Response:
        """GET /repos/{o}/{r}/installation (App JWT)."""
        return web.json_response({"id": self._repo(request).installation_id, "app_id": int(self.app_id)})

    async def get_issue(self, request: web.Request) -> web.Response:
        """GET an issue."""
        return web.json_response(self._issue_json(self._repo(request), self._issue(request)))

    async def patch_issue(self, request: web.Request) -> web.Response:
        """PATCH title, body, state or labels of an issue."""
        repo, issue, data = self._repo(request), self._issue(request), request[BODY]
        for key in ("title", "body", "state"):
            if key in data:
                setattr(issue, key, data[key])
        if "labels" in data:
            issue.labels = [self._label(repo, x if isinstance(x, str) else x["name"])["name"] for x in data["labels"]]
        self.touch(issue)
        return web.json_response(self._issue_json(repo, issue))

    def _labels_of(self, repo: Repo, issue: Issue) -> web.Response:
        """An issue's labels as JSON objects."""
        return web.json_response([self._label(repo, n) for n in issue.labels])

    @staticmethod
    def _names(data: Any) -> list[str]:
        """Label names from any of the body shapes GitHub accepts."""
        items = data.get("labels", []) if isinstance(data, dict) else data if isinstance(data, list) else [data]
        return [x if isinstance(x, str) else x["name"] for x in items]

    async def get_issue_labels(self, request: web.Request) -> web.Response:
        """GET an issue's labels."""
        return self._labels_of(self._repo(request), self._issue(request))

    async def post_issue_labels(self, request: web.Request) -> web.Response:
        """Add labels to an issue."""
        repo, issue = self._repo(request), self._issue(request)
        for name in self._names(request[BODY]):
            label = self._label(repo, name)["name"]
            if label not in issue.labels:
                issue.labels.append(label)
        self.touch(issue)
        return self._labels_of(repo, issue)

    async def put_issue_labels(self, request: web.Request) -> web.Response:
        """Replace an issue's labels."""
        repo, issue = self._repo(request), self._issue(request)
        issue.labels = [self._label(repo, n)["name"] for n in self._names(request[BODY])]
        self.touch(issue)
        return self._labels_of(repo, issue)

    async def delete_issue_labels(self, request: web.Request) -> web.Response:
        """Remove all labels from an issue."""
        self._issue(request).labels.clear()
        return web.Response(status=204)

    async def delete_issue_label(self, request: web.Request) -> web.Response:
        """Remove one label from an issue (404 if it is not there, like GitHub)."""
        repo, issue, name = self._repo(request), self._issue(request), request.match_info["name"]
        match = [n for n in issue.labels if n.lower() == name.lower()]
        if not match:
            return web.json_response({"message": "Label does not exist"}, status=404)
        issue.labels.remove(match[0])
        self.touch(issue)
        return self._labels_of(repo, issue)

    async def get_labels(self, request: web.Request) -> web.Response:
        """List a repository's labels."""
        return web.json_response(list(self._repo(request).labels.values()))

    async def post_label(self, request: web.Request) -> web.Response:
        """Create a label (422 if it exists)."""
        repo, data = self._repo(request), request[BODY]
        if data["name"].lower() in repo.labels:
            return web.json_response({"message": "Validation Failed", "errors": [{"code": "already_exists"}]},
                                     status=422)
        return web.json_response(self._label(repo, data["name"], data.get("color", "ededed"), data.get("description")),
                                 status=201)

    async def get_label(self, request: web.Request) -> web.Response:
        """Get one label."""
        label = self._repo(request).labels.get(request.match_info["name"].lower())
        if label is None:
            raise web.HTTPNotFound()
        return web.json_response(label)

    async def patch_label(self, request: web.Request) -> web.Response:
        """Update a label's name, color or description."""
        repo = self._repo(request)
        label = repo.labels.pop(request.match_info["name"].lower(), None)
        if label is None:
            raise web.HTTPNotFound()
        data = request[BODY]
        label.update({"name": data.get("new_name", label["name"]), "color": data.get("color", label["color"]),
                      "description": data.get("description", label["description"])})
        repo.labels[label["name"].lower()] = label
        return web.json_response(label)

    async def get_comments(self, request: web.Request) -> web.Response:
        """List an issue's comments."""
        repo = self._repo(request)
        issue = self._issue(request)
        return web.json_response([self._comment_json(self._comment_index[c][1]) for c in issue.comments
                                  if self._comment_index[c][0] == f"{repo.owner}/{repo.name}".lower()])

    async def post_comment(self, request: web.Request) -> web.Response:
        """Comment on an issue as the App's bot user."""
        repo, issue = self._repo(request), self._issue(request)
        comment = Comment(next(self._ids), request[BODY]["body"], self._caller_login(request), _now_iso(), _now_iso())
        issue.comments.append(comment.id)
        self._comment_index[comment.id] = (f"{repo.owner}/{repo.name}".lower(), comment)
        self.touch(issue)
        return web.json_response(self._comment_json(comment), status=201)

    def _comment(self, request: web.Request) -> Comment:
        """The comment in the path, if it belongs to this repository."""
        repo = self._repo(request)
        found = self._comment_index.get(int(request.match_info["comment_id"]))
        if found is None or found[0] != f"{repo.owner}/{repo.name}".lower():
            raise web.HTTPNotFound()
        return found[1]

    async def get_comment(self, request: web.Request) -> web.Response:
        """Get one comment."""
        return web.json_response(self._comment_json(self._comment(request)))

    async def patch_comment(self, request: web.Request) -> web.Response:
        """Edit a comment (only the App's own, like a bot token)."""
        comment = self._comment(request)
        if comment.login != self._caller_login(request):
            return web.json_response({"message": "Resource not accessible by integration"}, status=403)
        comment.body, comment.updated_at = request[BODY]["body"], _now_iso()
        return web.json_response(self._comment_json(comment))

    async def post_reaction(self, request: web.Request) -> web.Response:
        """React to a comment; 200 if this reaction already exists, 201 if new."""
        comment, content = self._comment(request), request[BODY]["content"]
        entry = (self._caller_login(request), content)
        status = 200 if entry in comment.reactions else 201
        if status == 201:
            comment.reactions.append(entry)
        return web.json_response({"id": next(self._ids), "content": content, "user": self._user(entry[0])},
                                 status=status)

    async def get_permission(self, request: web.Request) -> web.Response:
        """A user's permission on the repository (`none` if not a collaborator)."""
        user = request.match_info["username"]
        perm = self._repo(request).permissions.get(user, "none")
        return web.json_response({"permission": perm, "role_name": perm, "user": self._user(user)})

    async def get_contents(self, request: web.Request) -> web.Response:
        """A file's contents, base64-encoded like GitHub."""
        path = request.match_info["path"]
        data = self._repo(request).files.get(path)
        if data is None:
            return web.json_response({"message": "Not Found"}, status=404)
        return web.json_response({"type": "file", "encoding": "base64", "size": len(data),
                                  "name": path.rsplit("/", 1)[-1],
                                  "path": path, "sha": f"{abs(hash(data)):x}",
                                  "content": base64.encodebytes(data).decode()})

    async def get_rate_limit(self, request: web.Request) -> web.Response:
        """A generous rate limit."""
        core = {"limit": 5000, "remaining": 4999, "reset": int(time.time()) + 3600, "used": 1}
        return web.json_response({"resources": {"core": core}, "rate": core})

# Drives the generated Python retry helper (prepended to this file) with fake exceptions shaped like
# the `anthropic` package's (PyPI is unreachable here). Prints observations as JSON; the vitest
# suite asserts on them.
import asyncio
import email.utils
import json
import time


class Headers(dict):
    """Case-insensitive like httpx.Headers."""
    def __init__(self, d=None):
        super().__init__({k.lower(): v for k, v in (d or {}).items()})

    def get(self, key, default=None):
        return super().get(key.lower(), default)


class FakeResponse:
    def __init__(self, status_code, headers=None):
        self.status_code = status_code
        self.headers = Headers(headers)


class APIError(Exception):
    pass


class APIStatusError(APIError):
    def __init__(self, status, headers=None, body=None):
        super().__init__('status %s' % status)
        self.response = FakeResponse(status, headers)
        self.status_code = status
        self.body = body


class BadRequestError(APIStatusError): pass
class NotFoundError(APIStatusError): pass
class RateLimitError(APIStatusError): pass
class InternalServerError(APIStatusError): pass
class OverloadedError(APIStatusError): pass  # like anthropic: NOT an InternalServerError
class APIConnectionError(APIError): pass
class APITimeoutError(APIConnectionError): pass


def err_body(t, code=None):
    inner = {'type': t, 'message': 'x'}
    if code:
        inner['details'] = {'error_code': code}
    return inner  # the anthropic client stores body["error"] on the exception


sleeps = []
real_sleep = time.sleep


def fake_sleep(s):
    sleeps.append(s)


def run(errors, **kw):
    calls = {'n': 0}

    def fn():
        calls['n'] += 1
        if calls['n'] <= len(errors):
            raise errors[calls['n'] - 1]
        return 'ok'

    del sleeps[:]
    retries = []
    started = time.monotonic()
    try:
        value = with_claude_retry(fn, on_retry=lambda a, d, e: retries.append([a, d]), **kw)
        raised = None
    except Exception as e:
        value = None
        raised = type(e).__name__ + ':' + str(errors.index(e) if e in errors else -1)
    return {'value': value, 'attempts': calls['n'], 'delays': [d for _, d in retries],
            'sleeps': list(sleeps), 'raised': raised, 'elapsed': time.monotonic() - started}


out = {}
time.sleep = fake_sleep
out['overloaded_then_ok'] = run([OverloadedError(529), InternalServerError(500)])
out['retryable_each'] = {str(s): run([APIStatusError(s)]) for s in (408, 409, 429, 500, 502, 503, 504, 529)}
out['not_retryable_each'] = {str(s): run([APIStatusError(s), APIStatusError(s)]) for s in (400, 401, 403, 404, 413, 422)}
out['spend_cap'] = run([RateLimitError(429, body=err_body('rate_limit_error', 'enforced_spend_limit_reached'))])
out['spend_cap_full_body'] = run([RateLimitError(429, body={'type': 'error', 'error': err_body('rate_limit_error', 'enforced_spend_limit_reached')})])
out['should_retry_false'] = run([InternalServerError(500, {'X-Should-Retry': 'false'})])
out['should_retry_true'] = run([BadRequestError(400, {'x-should-retry': 'true'})])
out['connection'] = run([APIConnectionError('down'), APITimeoutError('slow'), ConnectionResetError(), TimeoutError()], max_attempts=5)
out['mid_stream_overloaded'] = run([APIStatusError(200, body=err_body('overloaded_error'))])
out['mid_stream_invalid'] = run([APIStatusError(200, body=err_body('invalid_request_error'))])
out['value_error'] = run([ValueError('bug')])
out['max_attempts'] = run([OverloadedError(529)] * 10, max_attempts=3)
out['default_attempts'] = run([OverloadedError(529)] * 10)
out['retry_after_s'] = run([RateLimitError(429, {'retry-after': '7'})])
plain_dict = RateLimitError(429)
plain_dict.response.headers = {'Retry-After': '3'}  # a plain dict, not case-insensitive
out['retry_after_plain_dict'] = run([plain_dict])
out['retry_after_ms'] = run([RateLimitError(429, {'retry-after-ms': '1500', 'retry-after': '30'})])
out['retry_after_date'] = run([OverloadedError(529, {'retry-after': email.utils.formatdate(time.time() + 20, usegmt=True)})])
out['retry_after_zero'] = run([RateLimitError(429, {'retry-after': '0'})])
out['retry_after_garbage'] = run([RateLimitError(429, {'retry-after': 'soon'})])
out['retry_after_too_long'] = run([RateLimitError(429, {'retry-after': '600'})])
out['retry_after_past_deadline'] = run([RateLimitError(429, {'retry-after': '20'})], deadline=10.0)
# Jitter: 300 runs of 4 retries with base 1 s, cap 3 s.
jitter = [[], [], [], []]
for _ in range(300):
    r = run([OverloadedError(529)] * 4, base_delay=1.0, max_delay=3.0, max_attempts=5)
    for k in range(4):
        jitter[k].append(r['delays'][k])
out['jitter'] = jitter

# Real sleep: retry-after-ms is actually waited.
time.sleep = real_sleep
out['real_wait'] = run([RateLimitError(429, {'retry-after-ms': '120'})])


# Async variant.
async def async_case():
    calls = {'n': 0}
    waited = []
    real_async_sleep = asyncio.sleep

    async def fake_async_sleep(s):
        waited.append(s)
        await real_async_sleep(0)

    asyncio.sleep = fake_async_sleep
    try:
        async def fn():
            calls['n'] += 1
            if calls['n'] <= 2:
                raise OverloadedError(529)
            return 'ok'
        value = await with_claude_retry_async(fn)
        calls2 = {'n': 0}

        async def fn2():
            calls2['n'] += 1
            raise RateLimitError(429, body=err_body('rate_limit_error', 'enforced_spend_limit_reached'))
        try:
            await with_claude_retry_async(fn2)
            raised = None
        except RateLimitError:
            raised = 'RateLimitError'
        return {'value': value, 'attempts': calls['n'], 'sleeps': waited, 'spend_cap_attempts': calls2['n'], 'spend_cap_raised': raised}
    finally:
        asyncio.sleep = real_async_sleep

out['async'] = asyncio.run(async_case())
print(json.dumps(out))

import vm from 'node:vm';
import { PAGE_SCRIPT } from '../src/domain/page-assets';
import { renderGuestPage } from '../src/domain/render';
import { DEFAULT_UPLOAD_LIMITS } from '../src/domain/uploads';
import { API_URL, TOKEN, UPLOADS_URL, liveView } from './support/bookings';

/**
 * The widget's script run against a small stand-in for the DOM, fetch and XMLHttpRequest, with
 * the clock under the test's control. (The browser test later runs it for real against the
 * local cloud.) Elements are made for the ids the rendered page actually has.
 */
const page = renderGuestPage(liveView(), {
  apiUrl: API_URL,
  uploadsUrl: UPLOADS_URL,
  uploadToken: TOKEN,
  uploadLimits: DEFAULT_UPLOAD_LIMITS,
});
/** The charter ends at 13:00 PDT; uploads open at midnight PDT the day before and close a day after the end. */
const END = Date.parse('2024-05-30T20:00:00Z');
const OPEN = Date.parse('2024-05-29T07:00:00Z');
const CLOSE = Date.parse('2024-05-31T20:00:00Z');
const uploadConfigText = /<script type="application\/json" id="upload-config">([\s\S]*?)<\/script>/.exec(page)![1]!;

class FakeElement {
  hidden = false;
  disabled = false;
  textContent = '';
  value: unknown = '';
  className = '';
  files: unknown[] = [];
  readonly children: FakeElement[] = [];
  readonly attributes: Record<string, string> = {};
  private readonly listeners: Record<string, (() => void)[]> = {};
  constructor(
    readonly tag: string,
    readonly id?: string,
  ) {}
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
  setAttribute(name: string, value: string) {
    this.attributes[name] = value;
  }
  addEventListener(type: string, listener: () => void) {
    (this.listeners[type] ??= []).push(listener);
  }
  dispatch(type: string) {
    for (const listener of this.listeners[type] ?? []) listener();
  }
}

type FetchCall = { url: string; init: { method: string; headers: Record<string, string>; body: string } };
type Reply = { status: number; body: unknown };

function openPage(options: { now: number; presignReplies?: Reply[]; uploadStatus?: number }) {
  const elements = new Map<string, FakeElement>();
  for (const [, tag, id] of page.matchAll(/<(\w+)[^>]*\bid="([^"]+)"/g)) {
    const element = new FakeElement(tag!, id);
    element.hidden = new RegExp(`id="${id}"[^>]*\\shidden[\\s>]`).test(page);
    elements.set(id!, element);
  }
  elements.get('upload-config')!.textContent = uploadConfigText;
  const clock = { now: options.now };
  const intervals: (() => void)[] = [];
  const fetches: FetchCall[] = [];
  const posts: { method: string; url: string; form: [string, unknown][] }[] = [];
  const replies = [...(options.presignReplies ?? [])];

  class FakeFormData {
    readonly entries: [string, unknown][] = [];
    append(name: string, value: unknown) {
      this.entries.push([name, value]);
    }
  }
  class FakeXhr {
    status = 0;
    upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
    onload?: () => void;
    onerror?: () => void;
    private target = { method: '', url: '' };
    open(method: string, url: string) {
      this.target = { method, url };
    }
    send(form: FakeFormData) {
      posts.push({ ...this.target, form: form.entries });
      setImmediate(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: 40, total: 100 });
        progressSeen.push(elements.get('upload-percent')!.textContent);
        this.status = options.uploadStatus ?? 204;
        this.onload?.();
      });
    }
  }
  const progressSeen: string[] = [];
  const RealDate = Date;
  const sandbox = {
    document: {
      getElementById: (id: string) => elements.get(id) ?? null,
      createElement: (tag: string) => new FakeElement(tag),
    },
    Date: Object.assign(function FakeDate() {}, { parse: RealDate.parse, now: () => clock.now }),
    setInterval: (fn: () => void) => intervals.push(fn),
    clearInterval: () => undefined,
    fetch: (url: string, init: FetchCall['init']) => {
      fetches.push({ url, init });
      const reply = replies.shift() ?? { status: 500, body: {} };
      return Promise.resolve({
        status: reply.status,
        ok: reply.status >= 200 && reply.status < 300,
        json: () => Promise.resolve(reply.body),
      });
    },
    FormData: FakeFormData,
    XMLHttpRequest: FakeXhr,
    JSON,
    Math,
    Promise,
    Array,
    Object,
    Error,
  };
  vm.runInNewContext(PAGE_SCRIPT, sandbox);
  const el = (id: string) => elements.get(id)!;
  return {
    el,
    clock,
    fetches,
    posts,
    progressSeen,
    tick: () => intervals.forEach((fn) => fn()),
    choose(...files: { name: string; size: number; type: string }[]) {
      el('photo-input').files = files;
      el('photo-input').dispatch('change');
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

const presigned = (key: string): Reply => ({
  status: 200,
  body: {
    url: 'https://charter-guest-uploads-test.s3.us-west-2.amazonaws.com/',
    key,
    fields: { key, 'Content-Type': 'image/heic', Policy: 'cG9saWN5', 'X-Amz-Signature': 'abc' },
  },
});

describe('the upload widget’s script', () => {
  it('only looks up elements the page has', () => {
    for (const [, id] of PAGE_SCRIPT.matchAll(/byId\('([^']+)'\)/g)) expect(page).toContain(`id="${id}"`);
  });

  it('shows uploads closed when the page is opened after the window closed', () => {
    const widget = openPage({ now: CLOSE + 1000 });
    expect(widget.el('uploads-closed').hidden).toBe(false);
    expect(widget.el('uploads-open').hidden).toBe(true);
    expect(widget.el('uploads-not-open').hidden).toBe(true);
    expect(widget.el('photo-input').disabled).toBe(true);
    expect(widget.el('greeting-before').hidden).toBe(true);
    expect(widget.el('greeting-after').hidden).toBe(false);
    expect(widget.el('tips').hidden).toBe(true);
  });

  it('says when uploads open on a page opened weeks ahead, and opens them when the time comes', () => {
    const widget = openPage({ now: OPEN - 30 * 86_400_000 });
    expect(widget.el('uploads-not-open').hidden).toBe(false);
    expect(widget.el('uploads-open').hidden).toBe(true);
    expect(widget.el('photo-input').disabled).toBe(true);
    expect(widget.el('greeting-before').hidden).toBe(false);
    widget.clock.now = OPEN;
    widget.tick();
    expect(widget.el('uploads-not-open').hidden).toBe(true);
    expect(widget.el('uploads-open').hidden).toBe(false);
    expect(widget.el('photo-input').disabled).toBe(false);
  });

  it('asks presign nothing before the window opens', async () => {
    const widget = openPage({ now: OPEN - 1000 });
    widget.choose({ name: 'early.jpg', size: 1000, type: 'image/jpeg' });
    await settle();
    expect(widget.fetches).toHaveLength(0);
  });

  it('thanks the guest once the charter ends, and keeps uploads open through the grace until the close', () => {
    const widget = openPage({ now: END - 60_000 });
    expect(widget.el('uploads-closed').hidden).toBe(true);
    expect(widget.el('photo-input').disabled).toBe(false);
    expect(widget.el('greeting-before').hidden).toBe(false);
    expect(widget.el('greeting-after').hidden).toBe(true);
    expect(widget.el('tips').hidden).toBe(false);
    widget.clock.now = END;
    widget.tick();
    expect(widget.el('greeting-after').hidden).toBe(false);
    expect(widget.el('tips').hidden).toBe(true);
    expect(widget.el('uploads-closed').hidden).toBe(true);
    expect(widget.el('photo-input').disabled).toBe(false);
    widget.clock.now = CLOSE;
    widget.tick();
    expect(widget.el('uploads-closed').hidden).toBe(false);
    expect(widget.el('photo-input').disabled).toBe(true);
  });

  it('waits for the opening when presign answers 409 uploads_not_open (a page clock ahead of ours)', async () => {
    const widget = openPage({
      now: OPEN + 1000,
      presignReplies: [{ status: 409, body: { error: 'uploads_not_open', message: 'Uploads open at midnight.' } }],
    });
    widget.choose({ name: 'early.jpg', size: 1000, type: 'image/jpeg' });
    await settle();
    expect(widget.el('uploads-not-open').hidden).toBe(false);
    expect(widget.el('uploads-closed').hidden).toBe(true);
    expect(widget.el('photo-input').disabled).toBe(true);
  });

  it('asks presign with the page’s token, then posts the fields and file to the bucket, showing progress', async () => {
    const widget = openPage({ now: END - 3_600_000, presignReplies: [presigned('uploads/xhqgmdh/a1-IMG_1.HEIC')] });
    const file = { name: 'IMG_1.HEIC', size: 2_400_000, type: '' };
    widget.choose(file);
    await settle();

    expect(widget.fetches).toHaveLength(1);
    const [call] = widget.fetches;
    expect(call!.url).toBe(`${API_URL}/g/presign`);
    expect(call!.init.method).toBe('POST');
    expect(call!.init.headers['X-Upload-Token']).toBe(TOKEN);
    // An empty File.type (HEIC on some phones) is filled in from the extension.
    expect(JSON.parse(call!.init.body)).toEqual({
      booking_id: 'xhqgmdh',
      file_name: 'IMG_1.HEIC',
      file_size: 2_400_000,
      mime_type: 'image/heic',
    });

    expect(widget.posts).toHaveLength(1);
    const [post] = widget.posts;
    expect(post!.method).toBe('POST');
    expect(post!.url).toBe('https://charter-guest-uploads-test.s3.us-west-2.amazonaws.com/');
    expect(post!.form.map(([name]) => name)).toEqual(['key', 'Content-Type', 'Policy', 'X-Amz-Signature', 'file']);
    expect(post!.form.at(-1)![1]).toBe(file);
    expect(widget.progressSeen).toEqual(['40%']);

    const finished = widget.el('uploaded').children;
    expect(finished).toHaveLength(1);
    expect(finished[0]!.attributes['data-key']).toBe('uploads/xhqgmdh/a1-IMG_1.HEIC');
    expect(finished[0]!.children.map((c) => c.textContent)).toEqual(['IMG_1.HEIC', '2.3 MB']);
    expect(widget.el('uploaded-heading').hidden).toBe(false);
    expect(widget.el('upload-current').hidden).toBe(true);
    expect(widget.el('upload-error').hidden).toBe(true);
  });

  it('uploads several chosen files one after another', async () => {
    const widget = openPage({
      now: END - 3_600_000,
      presignReplies: [presigned('uploads/x/1-a.jpg'), presigned('uploads/x/2-b.jpg')],
    });
    widget.choose({ name: 'a.jpg', size: 1000, type: 'image/jpeg' }, { name: 'b.jpg', size: 2000, type: 'image/jpeg' });
    await settle();
    const asked = widget.fetches.map((f) => JSON.parse(f.init.body) as { file_name: string });
    expect(asked.map((request) => request.file_name)).toEqual(['a.jpg', 'b.jpg']);
    expect(widget.el('uploaded').children.map((li) => li.attributes['data-key'])).toEqual([
      'uploads/x/1-a.jpg',
      'uploads/x/2-b.jpg',
    ]);
  });

  it('closes uploads when presign answers 409: the closed notice replaces the picker', async () => {
    const widget = openPage({
      now: END - 1000,
      presignReplies: [
        { status: 409, body: { error: 'uploads_closed', message: 'Uploads for this charter closed when it ended.' } },
      ],
    });
    widget.choose({ name: 'late.jpg', size: 1000, type: 'image/jpeg' });
    await settle();
    expect(widget.posts).toHaveLength(0);
    expect(widget.el('uploads-closed').hidden).toBe(false);
    expect(widget.el('photo-input').disabled).toBe(true);
    expect(widget.el('uploaded').children).toHaveLength(0);
  });

  it('stops the picker when presign answers 410 (cancelled since the page loaded), saying why', async () => {
    const widget = openPage({
      now: END - 3_600_000,
      presignReplies: [
        {
          status: 410,
          body: { error: 'cancelled', message: 'This charter was cancelled, so photo uploads are closed.' },
        },
      ],
    });
    widget.choose({ name: 'a.jpg', size: 1000, type: 'image/jpeg' }, { name: 'b.jpg', size: 1000, type: 'image/jpeg' });
    await settle();
    // The second file is not even asked for: the booking is gone.
    expect(widget.fetches).toHaveLength(1);
    expect(widget.posts).toHaveLength(0);
    expect(widget.el('photo-input').disabled).toBe(true);
    expect(widget.el('upload-error').hidden).toBe(false);
    expect(widget.el('upload-error').textContent).toBe(
      'a.jpg: This charter was cancelled, so photo uploads are closed.',
    );
    // Not the "charter ended" notice: that would say something untrue.
    expect(widget.el('uploads-closed').hidden).toBe(true);
  });

  it('shows the server’s message when a file is refused, and lists nothing', async () => {
    const widget = openPage({
      now: END - 3_600_000,
      presignReplies: [
        { status: 415, body: { error: 'unsupported_type', message: 'application/pdf files cannot be uploaded here.' } },
      ],
    });
    widget.choose({ name: 'menu.pdf', size: 1000, type: 'application/pdf' });
    await settle();
    expect(widget.el('upload-error').hidden).toBe(false);
    expect(widget.el('upload-error').textContent).toBe('menu.pdf: application/pdf files cannot be uploaded here.');
    expect(widget.el('uploaded').children).toHaveLength(0);
    expect(widget.el('uploads-closed').hidden).toBe(true);
  });

  it('does not list a file the bucket refused', async () => {
    const widget = openPage({
      now: END - 3_600_000,
      presignReplies: [presigned('uploads/x/1-a.jpg')],
      uploadStatus: 403,
    });
    widget.choose({ name: 'a.jpg', size: 1000, type: 'image/jpeg' });
    await settle();
    expect(widget.el('uploaded').children).toHaveLength(0);
    expect(widget.el('upload-error').textContent).toContain('refused (403)');
  });
});

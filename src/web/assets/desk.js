// The editors' desk: sign in with an API token, paste what was sent, preview what newsdesk makes of
// it, fix it and publish it; list, open, edit and delete articles.
//
// Rules kept throughout: article text is only ever inserted as text (text nodes, textContent,
// input values), never as HTML; links and images from article data are used only when they are
// http(s) URLs; the token stays in sessionStorage and goes out only as a bearer header; every
// write to a stored article carries If-Match with the ETag of the version the editor saw.
'use strict';

(() => {
  const TOKEN_KEY = 'newsdesk.token';
  const TYPES = ['person', 'place', 'organization', 'other'];
  const BLOCK_TYPES = [
    ['paragraph', 'Paragraph'],
    ['heading', 'Heading'],
    ['quote', 'Quote'],
    ['list_item', 'List item'],
  ];
  const REASONS = {
    related_marker: 'a “related stories” marker',
    after_related_marker: 'after a “related stories” marker',
    trending_marker: 'a “trending” marker',
    boilerplate_marker: 'page furniture',
    advertisement: 'an advertisement',
    app_promo: 'an app promotion',
    byline: 'a byline',
    cookie_notice: 'a cookie notice',
    copyright: 'a copyright line',
    credit: 'a credit line',
    dateline: 'a dateline',
    navigation: 'navigation',
    social: 'a social-media prompt',
    subscribe: 'a subscription prompt',
    promo_image: 'a promotional image',
    image_caption: 'an image caption',
    link_list: 'a list of links',
    low_prose: 'not prose',
    markup_only: 'markup only',
    no_words: 'no words',
    outside_main_text: 'outside the main text',
    short_fragment: 'a short fragment',
    tag_list: 'a list of tags',
  };
  const DATE_SOURCES = {
    explicit: 'as given',
    url_path: 'from the article’s address',
    image_path: 'from the lead image’s address',
    embedded_timestamp: 'from a timestamp in the text',
    page_metadata: 'from the page’s metadata',
    json_ld: 'from the page’s JSON-LD',
    meta: 'from the page’s meta tags',
    microdata: 'from the page’s microdata',
    time_element: 'from a time element on the page',
    text: 'from a dateline in the text',
    script_data: 'from the page’s script data',
    modified: 'from the page’s last-modified date',
  };

  const $ = (id) => document.getElementById(id);

  /** Builds an element. Children that are not nodes become text nodes: never HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /** The URL when it is an absolute http(s) address; null for anything else (javascript:, data:, …). */
  function safeUrl(value) {
    if (typeof value !== 'string' || value === '') return null;
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  /** A language code fit for a lang attribute. */
  function langOf(code) {
    return typeof code === 'string' && /^[a-z]{2,3}$/.test(code) ? code : 'und';
  }

  function formatDate(value) {
    if (!value) return null;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC',
    }).format(date) + ' UTC';
  }

  /** An RFC 3339 time as a `datetime-local` input's value, in this browser's time zone. */
  function localInputValue(value) {
    const date = value ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) return '';
    const pad = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate())
      + 'T' + pad(date.getHours()) + ':' + pad(date.getMinutes());
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function excerpt(text, length) {
    const s = String(text == null ? '' : text);
    return s.length > length ? s.slice(0, length - 1) + '…' : s;
  }

  // ---- Talking to the API ---------------------------------------------------------------

  /** An error answer: its problem document (title, detail, status, request id). */
  class ApiProblem extends Error {
    constructor(problem, status, etag) {
      super(problem.title || 'Error');
      this.problem = problem;
      this.status = status;
      this.etag = etag;
    }
  }

  const state = {
    token: null,
    me: null,
    list: { next: null },
    editor: null,
    /** A message to show after the next move to another view. */
    flash: null,
  };

  async function api(method, path, options) {
    const opts = options || {};
    const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(path, {
        method, headers, body, cache: 'no-store', credentials: 'omit', redirect: 'follow',
      });
    } catch (err) {
      throw new ApiProblem({
        title: 'The server could not be reached',
        detail: 'Check that newsdesk is running and try again (' + err.message + ').',
      }, 0, null);
    }
    let data = null;
    const type = response.headers.get('content-type') || '';
    if (response.status !== 204 && response.status !== 304) {
      const text = await response.text();
      if (type.includes('json') && text) {
        try { data = JSON.parse(text); } catch (_) { data = null; }
      }
    }
    const etag = response.headers.get('etag');
    if (!response.ok) {
      const problem = data && typeof data === 'object' && data.title ? data : {
        title: response.status + ' ' + (response.statusText || 'Error'),
        detail: 'The server answered without a problem document.',
      };
      throw new ApiProblem(problem, response.status, etag);
    }
    return { status: response.status, data, etag, location: response.headers.get('location') };
  }

  // ---- Messages -------------------------------------------------------------------------

  function hideMessages() {
    $('alert').hidden = true;
    $('status').hidden = true;
  }

  /** An error in words: the problem's title and detail (and request id, for the logs). */
  function showProblem(err, prefix) {
    const problem = err && err.problem ? err.problem : {
      title: 'Something went wrong', detail: String((err && err.message) || err),
    };
    const box = $('alert');
    box.replaceChildren(
      el('div', { class: 'message' },
        el('strong', { class: 'problem-title' }, (prefix ? prefix + ': ' : '') + (problem.title || 'Error')),
        problem.detail ? el('span', { class: 'problem-detail' }, problem.detail) : null,
        problem.request_id ? el('span', { class: 'hint' }, 'Request id: ' + problem.request_id) : null),
      el('button', { type: 'button', class: 'close small', 'aria-label': 'Dismiss the message', onclick: () => { box.hidden = true; } }, '×'));
    box.hidden = false;
    $('status').hidden = true;
  }

  function showStatus(...parts) {
    const box = $('status');
    box.replaceChildren(
      el('div', { class: 'message' }, ...parts),
      el('button', { type: 'button', class: 'close small', 'aria-label': 'Dismiss the message', onclick: () => { box.hidden = true; } }, '×'));
    box.hidden = false;
    $('alert').hidden = true;
  }

  // ---- Views and routing ----------------------------------------------------------------

  function showView(name) {
    for (const view of ['signin', 'articles', 'editor']) $('view-' + view).hidden = view !== name;
    $('nav-articles').toggleAttribute('aria-current', name === 'articles');
    if (name === 'articles') $('nav-articles').setAttribute('aria-current', 'page');
    const isNew = name === 'editor' && state.editor && state.editor.mode === 'new';
    $('nav-new').toggleAttribute('aria-current', isNew);
    if (isNew) $('nav-new').setAttribute('aria-current', 'page');
  }

  function canWrite() {
    return Boolean(state.me && state.me.can_write);
  }

  async function route() {
    if (!state.me) {
      showView('signin');
      $('signin-token').focus();
      return;
    }
    const hash = location.hash || '#/articles';
    const match = /^#\/article\/([A-Za-z0-9_-]{1,200})$/.exec(hash);
    if (hash === '#/new') {
      if (!canWrite()) {
        location.hash = '#/articles';
        return;
      }
      openNew();
    } else if (match) {
      await openArticle(match[1]);
    } else {
      await openList();
    }
  }

  // ---- Signing in -----------------------------------------------------------------------

  async function signIn(token) {
    state.token = token;
    try {
      const answer = await api('GET', '/v1/token');
      state.me = answer.data;
    } catch (err) {
      state.token = null;
      state.me = null;
      throw err;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $('who-name').textContent = state.me.name;
    $('who-role').textContent = state.me.role;
    $('who').hidden = false;
    $('nav').hidden = false;
    $('nav-new').hidden = !canWrite();
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.me = null;
    state.editor = null;
    $('who').hidden = true;
    $('nav').hidden = true;
    hideMessages();
    $('signin-token').value = '';
    if (location.hash) history.replaceState(null, '', location.pathname);
    route();
  }

  // ---- The article list -----------------------------------------------------------------

  function listQuery() {
    const params = new URLSearchParams();
    const q = $('f-q').value.trim();
    if (q) params.set('q', q);
    params.set('status', $('f-status').value);
    if ($('f-lang').value) params.set('lang', $('f-lang').value);
    const source = $('f-source').value.trim();
    if (source) params.set('source', source);
    const tag = $('f-tag').value.trim();
    if (tag) params.set('tag', tag);
    params.set('limit', '25');
    return '/v1/articles?' + params.toString();
  }

  async function openList() {
    state.editor = null;
    showView('articles');
    await loadList(listQuery(), false);
  }

  async function loadList(path, append) {
    const list = $('article-list');
    $('list-more').hidden = true;
    if (!append) $('list-count').textContent = 'Loading…';
    let answer;
    try {
      answer = await api('GET', path);
    } catch (err) {
      $('list-count').textContent = '';
      showProblem(err, 'The list could not be loaded');
      return;
    }
    if (!append) list.replaceChildren();
    for (const item of answer.data.data) list.append(listItem(item));
    const shown = list.children.length;
    $('list-count').textContent = shown === 0
      ? 'No articles match.'
      : shown + (answer.data.next ? '+' : '') + (shown === 1 ? ' article' : ' articles');
    state.list.next = answer.data.next;
    $('list-more').hidden = !answer.data.next;
  }

  function listItem(item) {
    const lang = langOf(item.language);
    return el('li', { 'data-id': item.id },
      el('a', { class: 'title', href: '#/article/' + encodeURIComponent(item.id), lang, dir: 'auto' }, item.title),
      el('div', { class: 'meta' },
        el('span', { class: 'badge ' + item.status }, item.status),
        el('span', null, 'Language: ', el('span', null, item.language || '?')),
        item.source_domain ? el('span', null, item.source_domain) : null,
        item.published_at ? el('span', null, formatDate(item.published_at)) : null,
        item.tags && item.tags.length ? el('span', null, 'Tags: ', item.tags.map((t) => t.name).join(', ')) : null));
  }

  // ---- The editor: state ----------------------------------------------------------------

  /** The editable article, from a dry run's answer or a stored article. */
  function draftFrom(article) {
    return {
      title: article.title || '',
      summary: article.summary || '',
      kickers: (article.kickers || []).slice(),
      tags: (article.tags || []).map((t) => t.name),
      blocks: clone(article.blocks || []),
      lead_image: article.lead_image || null,
      language: article.language,
      script: article.script,
      published_at: article.published_at,
      published_at_source: article.published_at_source,
      source_domain: article.source_domain,
      url: article.url,
      authors: article.authors || [],
      status: article.status,
      entities: (article.entities || []).map((e) => ({
        key: e.slug || e.name,
        slug: e.slug || null,
        name: e.name,
        type: e.type,
        newType: e.type,
        removed: false,
        mentions: e.mentions,
      })),
    };
  }

  function newEditor(mode) {
    return {
      mode,
      id: null,
      slug: null,
      source: null,
      base: null,
      etag: null,
      draft: null,
      removed: [],
      restored: new Set(),
      busy: false,
    };
  }

  function openNew() {
    if (!state.editor || state.editor.mode !== 'new') state.editor = newEditor('new');
    showView('editor');
    $('editor-heading').textContent = 'New article';
    $('readonly-note').hidden = true;
    $('source-form').hidden = false;
    $('conflict').hidden = true;
    $('confirm-delete').hidden = true;
    $('workspace').hidden = !state.editor.draft;
    $('source-details').open = !state.editor.draft;
    if (state.editor.draft) renderEditor();
    else $('source-text').focus();
  }

  async function openArticle(id) {
    hideConflict();
    $('confirm-delete').hidden = true;
    let article;
    let removed;
    try {
      [article, removed] = await Promise.all([
        api('GET', '/v1/articles/' + encodeURIComponent(id)),
        api('GET', '/v1/articles/' + encodeURIComponent(id) + '?fields=id&include=removed'),
      ]);
    } catch (err) {
      showView('editor');
      $('source-form').hidden = true;
      $('workspace').hidden = true;
      $('editor-heading').textContent = 'Article';
      showProblem(err, 'The article could not be opened');
      return;
    }
    const editor = newEditor('article');
    editor.id = article.data.id;
    editor.slug = article.data.slug;
    editor.base = article.data;
    editor.etag = article.etag;
    editor.draft = draftFrom(article.data);
    editor.removed = (removed.data && removed.data.removed) || [];
    state.editor = editor;
    showView('editor');
    $('editor-heading').textContent = canWrite() ? 'Edit article' : 'Article';
    $('readonly-note').hidden = canWrite();
    $('source-form').hidden = true;
    $('workspace').hidden = false;
    renderEditor();
  }

  // ---- Paste → preview ------------------------------------------------------------------

  function looksLikeHtml(text) {
    return /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<main[\s>])/i.test(text)
      || (/<\/(p|div|article|body|html)>/i.test(text) && /^\s*</.test(text));
  }

  /** What to send: the text as a JSON envelope, or the page as HTML. */
  function currentSource() {
    const text = $('source-text').value;
    const url = $('source-url').value.trim();
    const format = $('source-format').value;
    const file = state.editor && state.editor.file && state.editor.file.text === text ? state.editor.file : null;
    const kind = format === 'auto' ? (looksLikeHtml(text) ? 'html' : 'text') : format;
    return { kind, text, url, bytes: file && kind === 'html' ? file.bytes : null };
  }

  function ingestRequest(source, query) {
    const params = new URLSearchParams(query);
    if (source.kind === 'html') {
      if (source.url) params.set('url', source.url);
      // A file's own bytes, so its declared character set is honoured; pasted text is UTF-8.
      return {
        path: '/v1/ingest?' + params.toString(),
        body: source.bytes || source.text,
        headers: { 'Content-Type': source.bytes ? 'text/html' : 'text/html; charset=utf-8' },
      };
    }
    const envelope = { text: source.text };
    if (source.url) envelope.url = source.url;
    return { path: '/v1/ingest?' + params.toString(), json: envelope };
  }

  async function preview() {
    const editor = state.editor;
    const source = currentSource();
    if (!source.text.trim()) {
      showProblem({ problem: { title: 'Nothing to preview', detail: 'Paste the article’s text or a page, or choose a file.' } });
      $('source-text').focus();
      return;
    }
    const request = ingestRequest(source, { dry_run: 'true' });
    setBusy($('preview-button'), true, 'Previewing…');
    try {
      const answer = await api('POST', request.path, request);
      editor.source = source;
      editor.previewBase = answer.data;
      editor.draft = draftFrom(answer.data);
      // Not stored yet: no status to show.
      editor.draft.status = null;
      editor.removed = answer.data.removed || [];
      editor.restored = new Set();
      hideMessages();
      $('workspace').hidden = false;
      // The source folds away; its summary says what was previewed, and opens it again.
      $('source-summary').textContent = source.text.length.toLocaleString('en') + ' characters of '
        + (source.kind === 'html' ? 'HTML' : 'text') + ' previewed; open to change and preview again.';
      $('source-details').open = false;
      renderEditor();
      $('preview').focus();
    } catch (err) {
      showProblem(err, 'The preview failed');
    } finally {
      setBusy($('preview-button'), false, 'Preview');
    }
  }

  function setBusy(button, busy, label) {
    button.disabled = busy;
    button.textContent = label;
  }

  async function readFile(file) {
    if (!file) return;
    if (file.size > 10 * 1024 * 1024) {
      showProblem({ problem: { title: 'The file is too large', detail: 'Pages up to 10 MiB are accepted.' } });
      return;
    }
    const bytes = await file.arrayBuffer();
    const isHtml = /\.html?$/i.test(file.name) || file.type === 'text/html';
    const text = new TextDecoder('utf-8').decode(bytes);
    $('source-text').value = text;
    if (isHtml) $('source-format').value = 'html';
    else if (/\.(txt|text|md)$/i.test(file.name)) $('source-format').value = 'text';
    state.editor.file = { text, bytes: isHtml ? bytes : null };
    showStatus('Read ', el('strong', null, file.name), ' (' + file.size + ' bytes). Press Preview.');
  }

  // ---- The editor: drawing ----------------------------------------------------------------

  function renderEditor() {
    const editor = state.editor;
    const draft = editor.draft;
    const writable = canWrite();
    $('edit-fields').disabled = !writable;
    $('e-title').value = draft.title;
    $('e-title').setAttribute('lang', langOf(draft.language));
    $('e-summary').value = draft.summary;
    $('e-summary').setAttribute('lang', langOf(draft.language));
    renderChipList($('e-kickers'), 'kickers', 'Kickers', 'kicker', draft.kickers);
    renderChipList($('e-tags'), 'tags', 'Tags', 'tag', draft.tags);
    renderEntities();
    renderBlocks();
    renderActions();
    renderRemoved();
    renderLinks();
    renderPreview();
  }

  function renderChipList(container, field, title, noun, list) {
    const draft = state.editor.draft;
    const inputId = 'add-' + field;
    const chips = el('ul', { class: 'chips', 'aria-label': title });
    list.forEach((value, index) => {
      chips.append(el('li', { class: 'chip' },
        el('span', { dir: 'auto' }, value),
        el('button', {
          type: 'button', class: 'small', 'aria-label': 'Remove the ' + noun + ' “' + value + '”',
          onclick: () => {
            draft[field].splice(index, 1);
            renderChipList(container, field, title, noun, draft[field]);
            renderPreview();
            $(inputId).focus();
          },
        }, '×')));
    });
    const input = el('input', { id: inputId, type: 'text', dir: 'auto' });
    const add = () => {
      const value = input.value.trim();
      if (!value) return;
      if (!draft[field].includes(value)) draft[field].push(value);
      renderChipList(container, field, title, noun, draft[field]);
      renderPreview();
      $(inputId).focus();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        add();
      }
    });
    container.replaceChildren(el('fieldset', null,
      el('legend', null, title),
      list.length ? chips : el('p', { class: 'hint' }, 'None.'),
      el('label', { for: inputId }, 'Add a ' + noun),
      el('div', { class: 'inline-add' }, input,
        el('button', { type: 'button', id: inputId + '-button', onclick: add }, 'Add'))));
  }

  function renderEntities() {
    const draft = state.editor.draft;
    const container = $('e-entities');
    const groups = el('div');
    for (const type of TYPES) {
      const members = draft.entities.filter((e) => e.type === type);
      if (!members.length) continue;
      const list = el('ul', { class: 'chips', 'aria-label': type });
      for (const entity of members) list.append(entityChip(entity, draft.entities.indexOf(entity)));
      groups.append(el('h3', null, { person: 'People', place: 'Places', organization: 'Organizations', other: 'Other' }[type]), list);
    }
    container.replaceChildren(el('fieldset', null,
      el('legend', null, 'Entities'),
      draft.entities.length ? groups : el('p', { class: 'hint' }, 'None found.'),
      draft.entities.length ? el('p', { class: 'hint' }, 'Removing takes an entity off this article only, also after later edits. A new type applies to the entity everywhere it appears. Both happen when you save.') : null));
  }

  function entityChip(entity, index) {
    const selectId = 'entity-type-' + index;
    const select = el('select', {
      id: selectId, 'aria-label': 'Type of ' + entity.name,
      onchange: () => {
        entity.newType = select.value;
        renderPreview();
      },
    }, TYPES.map((t) => el('option', { value: t, selected: t === entity.newType }, t)));
    select.disabled = entity.removed;
    return el('li', { id: 'entity-' + index, class: 'chip ' + entity.newType + (entity.removed ? ' removed' : '') },
      el('span', { dir: 'auto' }, entity.name),
      select,
      el('button', {
        type: 'button', class: 'small',
        'aria-label': (entity.removed ? 'Keep ' : 'Remove ') + entity.name + (entity.removed ? ' on this article' : ' from this article'),
        onclick: () => {
          entity.removed = !entity.removed;
          renderEntities();
          renderPreview();
        },
      }, entity.removed ? 'Undo' : '×'));
  }

  function renderBlocks() {
    const draft = state.editor.draft;
    const list = $('e-blocks');
    list.replaceChildren();
    draft.blocks.forEach((block, index) => list.append(blockEditor(block, index)));
  }

  function blockEditor(block, index) {
    const draft = state.editor.draft;
    const n = index + 1;
    const typeId = 'block-type-' + index;
    const textId = 'block-text-' + index;
    const lang = langOf(draft.language);
    const move = (delta) => {
      const target = index + delta;
      if (target < 0 || target >= draft.blocks.length) return;
      const [moved] = draft.blocks.splice(index, 1);
      draft.blocks.splice(target, 0, moved);
      renderBlocks();
      renderPreview();
      const button = document.querySelector('#e-blocks > li:nth-child(' + (target + 1) + ') .' + (delta < 0 ? 'up' : 'down'));
      if (button && !button.disabled) button.focus();
      else document.getElementById('block-text-' + target)?.focus();
    };
    const head = el('div', { class: 'block-head' });
    if (block.type === 'image') {
      head.append(el('span', null, 'Block ' + n + ': image'));
    } else {
      const select = el('select', {
        id: typeId,
        onchange: () => {
          block.type = select.value;
          renderPreview();
        },
      }, BLOCK_TYPES.map(([value, label]) => el('option', { value, selected: value === block.type }, label)));
      head.append(el('label', { for: typeId }, 'Block ' + n), select);
    }
    head.append(el('span', { class: 'spacer' }),
      el('button', { type: 'button', class: 'small up', 'aria-label': 'Move block ' + n + ' up', disabled: index === 0, onclick: () => move(-1) }, '↑'),
      el('button', { type: 'button', class: 'small down', 'aria-label': 'Move block ' + n + ' down', disabled: index === draft.blocks.length - 1, onclick: () => move(1) }, '↓'),
      el('button', {
        type: 'button', class: 'small danger', 'aria-label': 'Remove block ' + n,
        onclick: () => {
          draft.blocks.splice(index, 1);
          renderBlocks();
          renderPreview();
          const next = document.getElementById('block-text-' + Math.min(index, draft.blocks.length - 1));
          (next || $('add-block')).focus();
        },
      }, 'Remove'));
    const item = el('li', null, head);
    if (block.type === 'image') {
      const url = safeUrl(block.url);
      item.append(el('p', { class: 'hint' }, 'Image: ', url || '(no usable address)'));
      for (const [field, label] of [['alt', 'Description (alt text)'], ['caption', 'Caption']]) {
        const id = 'block-' + field + '-' + index;
        const input = el('input', { id, type: 'text', lang, dir: 'auto' });
        input.value = block[field] || '';
        input.addEventListener('input', () => {
          block[field] = input.value || undefined;
          schedulePreview();
        });
        item.append(el('label', { for: id }, label + ' of block ' + n), input);
      }
    } else {
      const area = el('textarea', { id: textId, rows: Math.min(8, 2 + Math.floor((block.text || '').length / 90)), lang, dir: 'auto', 'aria-label': 'Text of block ' + n });
      area.value = block.text || '';
      area.addEventListener('input', () => {
        block.text = area.value;
        schedulePreview();
      });
      item.append(area);
    }
    return item;
  }

  function renderRemoved() {
    const editor = state.editor;
    const list = $('removed-list');
    list.replaceChildren();
    const lang = langOf(editor.draft.language);
    editor.removed.forEach((line, index) => {
      const back = editor.restored.has(index);
      const button = el('button', {
        type: 'button', class: 'small',
        'aria-label': 'Put back the removed line ' + (index + 1) + ' as a paragraph',
        disabled: back || !canWrite(),
        onclick: () => putBack(index),
      }, back ? 'Put back' : 'Put back');
      if (back) button.textContent = 'Back in the body';
      list.append(el('li', null,
        el('span', { class: 'line' + (back ? ' put-back' : ''), lang, dir: 'auto' }, line.text),
        el('span', { class: 'reason' }, 'Removed as ' + (REASONS[line.reason] || String(line.reason).replace(/_/g, ' ')) + '.'),
        button));
    });
    $('removed-hint').hidden = editor.removed.length === 0;
    if (!editor.removed.length) list.append(el('li', { class: 'hint' }, 'Nothing was removed.'));
  }

  /** Where a removed line goes back: before the first block that came after it in the source. */
  function putBackIndex(text) {
    const editor = state.editor;
    const blocks = editor.draft.blocks;
    const source = editor.source && editor.source.kind === 'text' ? editor.source.text : null;
    if (!source) return blocks.length;
    const at = source.indexOf(text);
    if (at < 0) return blocks.length;
    for (let i = 0; i < blocks.length; i += 1) {
      const probe = (blocks[i].text || '').slice(0, 40);
      if (!probe) continue;
      const position = source.indexOf(probe);
      if (position > at) return i;
    }
    return blocks.length;
  }

  function putBack(index) {
    const editor = state.editor;
    const line = editor.removed[index];
    if (!line || editor.restored.has(index)) return;
    // A removed image line is markdown: put back its words, not its syntax.
    const text = line.text.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1').trim() || line.text;
    const at = putBackIndex(line.text);
    editor.draft.blocks.splice(at, 0, { type: 'paragraph', text });
    editor.restored.add(index);
    renderBlocks();
    renderRemoved();
    renderPreview();
    document.getElementById('block-text-' + at)?.focus();
    showStatus('The line is back as block ' + (at + 1) + '.');
  }

  function renderActions() {
    const editor = state.editor;
    const box = $('edit-actions');
    box.replaceChildren();
    if (!canWrite()) return;
    if (editor.mode === 'new') {
      box.append(
        el('button', { type: 'button', id: 'save-draft', onclick: () => saveNew('draft') }, 'Save as draft'),
        el('button', { type: 'button', id: 'publish', class: 'primary', onclick: () => saveNew('published') }, 'Publish'),
        scheduleControl(null, (at) => saveNew('scheduled', at)));
      return;
    }
    const status = editor.base.status;
    box.append(
      el('button', { type: 'button', id: 'save', class: 'primary', onclick: () => saveArticle(null) }, 'Save'),
      status === 'published'
        ? el('button', { type: 'button', id: 'unpublish', onclick: () => saveArticle('draft') }, 'Save and unpublish')
        // A scheduled article published now takes the present as its date.
        : el('button', { type: 'button', id: 'publish', onclick: () => saveArticle('published', false, status === 'scheduled' ? new Date().toISOString() : null) },
          status === 'scheduled' ? 'Save and publish now' : 'Save and publish'),
      status === 'scheduled'
        ? el('button', { type: 'button', id: 'unschedule', onclick: () => saveArticle('draft') }, 'Save as a draft (unschedule)')
        : null,
      el('button', { type: 'button', id: 'delete', class: 'danger', onclick: askDelete }, 'Delete'),
      status === 'published' ? null
        : scheduleControl(status === 'scheduled' ? editor.base.published_at : null, (at) => saveArticle('scheduled', false, at)));
  }

  /**
   * A time to publish at, in the editor's own time zone, and the button that schedules for it.
   * The API is sent the instant in UTC; the dispatcher publishes the article when it comes.
   */
  function scheduleControl(current, schedule) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
    const input = el('input', { type: 'datetime-local', id: 'schedule-at', step: 60, value: localInputValue(current) });
    const onSchedule = () => {
      const at = input.value ? new Date(input.value) : null;
      if (!at || Number.isNaN(at.getTime())) {
        showProblem({ problem: { title: 'No time to publish at', detail: 'Choose the date and time the article goes public.' } });
        input.focus();
        return;
      }
      if (at.getTime() <= Date.now()) {
        showProblem({ problem: { title: 'That time has passed', detail: 'Choose a time ahead, or publish now.' } });
        input.focus();
        return;
      }
      schedule(at.toISOString());
    };
    return el('div', { class: 'schedule' },
      el('label', { for: 'schedule-at' }, 'Publish at (' + zone + ')'),
      input,
      el('button', { type: 'button', id: 'schedule', onclick: onSchedule },
        current ? 'Save and reschedule' : 'Schedule'));
  }

  function renderLinks() {
    const editor = state.editor;
    const box = $('links-out');
    box.replaceChildren();
    if (editor.mode !== 'article') return;
    const path = '/v1/articles/' + editor.slug;
    if (editor.base.status === 'published') {
      box.append('Public URL: ', el('a', { href: path, id: 'article-url' }, path));
    } else if (editor.base.status === 'scheduled') {
      box.append('Scheduled: public at ', el('code', null, path), ' from ' + formatDate(editor.base.published_at)
        + '; until then only with a token.');
    } else {
      box.append('A draft: readers of the API see it at ', el('code', null, path), ' only with a token.');
    }
  }

  let previewPending = false;
  function schedulePreview() {
    if (previewPending) return;
    previewPending = true;
    requestAnimationFrame(() => {
      previewPending = false;
      renderPreview();
    });
  }

  /** The article as a reader would see it, from the editor's current draft. */
  function renderPreview() {
    const draft = state.editor.draft;
    const view = $('preview');
    view.setAttribute('lang', langOf(draft.language));
    view.setAttribute('tabindex', '-1');
    view.replaceChildren();
    if (draft.kickers.length) {
      view.append(el('p', { class: 'kickers' }, draft.kickers.map((k) => el('span', null, k))));
    }
    view.append(el('h1', { id: 'preview-title', dir: 'auto' }, draft.title || '(no title)'));
    if (draft.summary) view.append(el('p', { class: 'summary', dir: 'auto' }, draft.summary));
    const facts = el('p', { class: 'byline', lang: 'en' });
    facts.append(el('span', null, 'Language: ' + (draft.language || '?') + (draft.script ? ' (' + draft.script + ')' : '')));
    if (draft.published_at) {
      facts.append(el('span', null, 'Published ' + formatDate(draft.published_at)
        + (draft.published_at_source ? ', ' + (DATE_SOURCES[draft.published_at_source] || draft.published_at_source) : '')));
    } else {
      facts.append(el('span', null, 'No publication date found'));
    }
    if (draft.source_domain) facts.append(el('span', null, 'Source: ' + draft.source_domain));
    if (draft.authors.length) facts.append(el('span', null, 'By ' + draft.authors.join(', ')));
    if (draft.status) facts.append(el('span', { class: 'badge ' + draft.status }, draft.status));
    view.append(facts);
    const image = draft.lead_image;
    if (image) {
      const src = safeUrl(image.url);
      const caption = image.caption || image.alt;
      view.append(el('figure', null,
        src ? el('img', { src, alt: image.alt || '', referrerpolicy: 'no-referrer', loading: 'lazy', decoding: 'async' }) : null,
        caption ? el('figcaption', { dir: 'auto' }, caption) : null));
    }
    let list = null;
    for (const block of draft.blocks) {
      if (block.type === 'list_item') {
        if (!list) {
          list = el('ul');
          view.append(list);
        }
        list.append(el('li', { dir: 'auto' }, block.text));
        continue;
      }
      list = null;
      if (block.type === 'heading') view.append(el('h2', { dir: 'auto' }, block.text));
      else if (block.type === 'quote') view.append(el('blockquote', { dir: 'auto' }, block.text));
      else if (block.type === 'image') {
        const src = safeUrl(block.url);
        view.append(el('figure', null,
          src ? el('img', { src, alt: block.alt || '', referrerpolicy: 'no-referrer', loading: 'lazy', decoding: 'async' }) : null,
          block.caption || block.alt ? el('figcaption', { dir: 'auto' }, block.caption || block.alt) : null));
      } else view.append(el('p', { dir: 'auto' }, block.text));
    }
    if (!draft.blocks.length) view.append(el('p', { class: 'empty' }, 'No body text.'));
    if (draft.tags.length) {
      view.append(el('ul', { class: 'chips tags', 'aria-label': 'Tags' },
        draft.tags.map((t) => el('li', { class: 'chip tag', dir: 'auto' }, t))));
    }
    const shown = draft.entities.filter((e) => !e.removed);
    if (shown.length) {
      const chips = el('ul', { class: 'chips entities', 'aria-label': 'Entities' });
      for (const entity of shown) {
        chips.append(el('li', { class: 'chip ' + entity.newType },
          el('span', { dir: 'auto' }, entity.name), el('span', { class: 'kind' }, entity.newType)));
      }
      view.append(chips);
    }
  }

  // ---- Saving ---------------------------------------------------------------------------

  /** The draft's fields as a PATCH body: those that differ from `base` (all when there is none). */
  function patchBody(draft, base) {
    const body = {};
    const blocks = draft.blocks.map((b) => {
      const out = { type: b.type, text: b.type === 'image' ? (b.text || '') : (b.text || '') };
      if (b.url) out.url = b.url;
      if (b.alt) out.alt = b.alt;
      if (b.caption) out.caption = b.caption;
      return out;
    }).filter((b) => b.type === 'image' || b.text.trim() !== '');
    const fields = {
      title: draft.title.trim(),
      summary: draft.summary.trim() === '' ? null : draft.summary.trim(),
      kickers: draft.kickers,
      tags: draft.tags,
      blocks,
    };
    const baseFields = base ? {
      title: base.title,
      summary: base.summary || null,
      kickers: base.kickers || [],
      tags: (base.tags || []).map((t) => t.name),
      blocks: (base.blocks || []).map((b) => {
        const out = { type: b.type, text: b.text || '' };
        if (b.url) out.url = b.url;
        if (b.alt) out.alt = b.alt;
        if (b.caption) out.caption = b.caption;
        return out;
      }),
    } : null;
    for (const [key, value] of Object.entries(fields)) {
      if (!baseFields || !same(value, baseFields[key])) body[key] = value;
    }
    return body;
  }

  /** Entities to take off (by slug) and to retype (slug → type), resolved against `stored`. */
  function entityEdits(draft, stored) {
    const find = (entity) => {
      if (entity.slug) return entity.slug;
      const match = (stored.entities || []).find((e) => e.name === entity.name
        || (e.aliases || []).includes(entity.name));
      return match ? match.slug : null;
    };
    const remove = [];
    const retype = [];
    for (const entity of draft.entities) {
      const slug = find(entity);
      if (!slug) continue;
      if (entity.removed) remove.push(slug);
      else if (entity.newType !== entity.type) retype.push([slug, entity.newType]);
    }
    return { remove, retype };
  }

  function writeButtons(disabled) {
    for (const button of $('edit-actions').querySelectorAll('button')) button.disabled = disabled;
  }

  /** Paste → publish: stored as a draft first, then the editor's changes (and status) applied. */
  async function saveNew(status, at) {
    const editor = state.editor;
    if (!editor.draft.title.trim()) {
      showProblem({ problem: { title: 'The title is empty', detail: 'Give the article a title before saving.' } });
      $('e-title').focus();
      return;
    }
    writeButtons(true);
    let stored;
    try {
      const request = ingestRequest(editor.source, { status: 'draft' });
      const answer = await api('POST', request.path, request);
      if (answer.data.duplicate) {
        showStatus('This text is already stored as “', el('span', { dir: 'auto' }, answer.data.title),
          '” (' + answer.data.status + '). ',
          el('a', { href: '#/article/' + encodeURIComponent(answer.data.id) }, 'Open it'),
          ' to change it; nothing was saved.');
        writeButtons(false);
        return;
      }
      stored = await api('GET', '/v1/articles/' + encodeURIComponent(answer.data.id));
    } catch (err) {
      showProblem(err, 'Nothing was saved');
      writeButtons(false);
      return;
    }
    // From here on the article exists: the editor works on it as a stored article.
    const draft = editor.draft;
    const { remove, retype } = entityEdits(draft, stored.data);
    const body = patchBody(draft, stored.data);
    body.status = status;
    if (at) body.published_at = at;
    if (remove.length) body.remove_entities = remove;
    const next = newEditor('article');
    Object.assign(next, {
      id: stored.data.id, slug: stored.data.slug, base: stored.data, etag: stored.etag,
      draft, removed: editor.removed, restored: editor.restored, source: editor.source,
    });
    state.editor = next;
    history.replaceState(null, '', '#/article/' + stored.data.id);
    try {
      await api('PATCH', '/v1/articles/' + encodeURIComponent(next.id), {
        json: body, headers: { 'If-Match': next.etag },
      });
      await applyRetypes(retype);
      await reloadAfterSave(savedMessage(status, at, false));
    } catch (err) {
      $('editor-heading').textContent = 'Edit article';
      $('source-form').hidden = true;
      renderEditor();
      showProblem(err, 'Stored as a draft, but your changes were not applied');
    }
  }

  /** What a write did, in words. `stored`: the article existed before this save. */
  function savedMessage(status, at, stored, overwrite) {
    if (status === 'scheduled') return 'Scheduled for ' + formatDate(at) + '.';
    if (status === 'published') return stored ? 'Saved and published.' : 'Published.';
    if (status === 'draft') return stored ? 'Saved; now a draft.' : 'Saved as a draft.';
    return overwrite ? 'Your version was saved over theirs.' : 'Saved.';
  }

  async function applyRetypes(retype) {
    for (const [slug, type] of retype) {
      await api('PATCH', '/v1/entities/' + encodeURIComponent(slug), { json: { type } });
    }
  }

  /** After a write: the stored version becomes the editor's base. */
  async function reloadAfterSave(message) {
    const editor = state.editor;
    // Read again rather than trust the PATCH answer: an entity's new type changes the article
    // (and its ETag) too.
    const fresh = await api('GET', '/v1/articles/' + encodeURIComponent(editor.id));
    const article = fresh.data;
    editor.base = article;
    editor.etag = fresh.etag;
    editor.slug = article.slug;
    editor.draft = draftFrom(article);
    editor.restored = new Set();
    $('editor-heading').textContent = 'Edit article';
    $('source-form').hidden = true;
    hideConflict();
    renderEditor();
    const path = '/v1/articles/' + article.slug;
    showStatus(message + ' ', article.status === 'published'
      ? ['Public URL: ', el('a', { href: path }, path)]
      : article.status === 'scheduled'
        ? ['It goes public at ', el('code', null, path), ' on its own.']
        : ['Kept as a draft at ', el('code', null, path), '.']);
  }

  async function saveArticle(status, overwrite, at) {
    const editor = state.editor;
    if (!editor.draft.title.trim()) {
      showProblem({ problem: { title: 'The title is empty', detail: 'Give the article a title before saving.' } });
      $('e-title').focus();
      return;
    }
    const { remove, retype } = entityEdits(editor.draft, editor.base);
    // Only what this editor changed, measured against the version they started from.
    const body = patchBody(editor.draft, editor.editBase || editor.base);
    if (status) body.status = status;
    if (at) body.published_at = at;
    if (remove.length) body.remove_entities = remove;
    if (!Object.keys(body).length && !retype.length) {
      showStatus('Nothing changed.');
      return;
    }
    writeButtons(true);
    try {
      if (Object.keys(body).length) {
        await api('PATCH', '/v1/articles/' + encodeURIComponent(editor.id), {
          json: body, headers: { 'If-Match': editor.etag },
        });
      }
      await applyRetypes(retype);
      editor.editBase = null;
      await reloadAfterSave(savedMessage(status, at, true, overwrite));
    } catch (err) {
      writeButtons(false);
      if (err.status === 412) {
        await showConflict(() => saveArticle(status, true, at), 'Save my changes over theirs');
      } else {
        showProblem(err, 'Not saved');
      }
    }
  }

  function askDelete() {
    $('confirm-delete').hidden = false;
    $('confirm-delete-yes').focus();
  }

  async function deleteArticle() {
    const editor = state.editor;
    $('confirm-delete').hidden = true;
    writeButtons(true);
    try {
      await api('DELETE', '/v1/articles/' + encodeURIComponent(editor.id), { headers: { 'If-Match': editor.etag } });
      state.editor = null;
      // Said once the list is shown (moving there clears the messages).
      state.flash = () => showStatus('Deleted “', el('span', { dir: 'auto' }, editor.base.title), '”.');
      location.hash = '#/articles';
    } catch (err) {
      writeButtons(false);
      if (err.status === 412) await showConflict(deleteArticle, 'Delete it anyway');
      else showProblem(err, 'Not deleted');
    }
  }

  // ---- Conflicts ------------------------------------------------------------------------

  function hideConflict() {
    $('conflict').hidden = true;
    $('conflict').replaceChildren();
  }

  /** What another editor changed between `before` and `after`, field by field. */
  /** Their changes (`before` → `after`), with this editor's value where they changed it too
   * (the draft, against `mine`, the version the editor started from). */
  function describeChanges(before, after, draft, mine) {
    const changes = [];
    const tagNames = (article) => (article.tags || []).map((t) => t.name).join(', ');
    const text = (label, a, b, yoursNow, yoursBase) => {
      if ((a || '') === (b || '')) return;
      const yours = yoursNow !== undefined && (yoursNow || '') !== (yoursBase || '') ? yoursNow || '(empty)' : null;
      changes.push([label, a || '(empty)', b || '(empty)', yours]);
    };
    text('Title', before.title, after.title, draft.title.trim(), mine.title);
    text('Summary', before.summary, after.summary, draft.summary.trim(), mine.summary);
    text('Status', before.status, after.status);
    text('Published', formatDate(before.published_at), formatDate(after.published_at));
    text('Kickers', (before.kickers || []).join(', '), (after.kickers || []).join(', '),
      draft.kickers.join(', '), (mine.kickers || []).join(', '));
    text('Tags', tagNames(before), tagNames(after), draft.tags.join(', '), tagNames(mine));
    text('Entities', (before.entities || []).map((e) => e.name + ' (' + e.type + ')').join(', '),
      (after.entities || []).map((e) => e.name + ' (' + e.type + ')').join(', '));
    const a = before.blocks || [];
    const b = after.blocks || [];
    if (!same(a, b)) {
      let first = 0;
      while (first < a.length && first < b.length && same(a[first], b[first])) first += 1;
      changes.push(['Body', 'block ' + (first + 1) + ': ' + excerpt(a[first] ? a[first].text : '(none)', 160),
        'block ' + (first + 1) + ': ' + excerpt(b[first] ? b[first].text : '(none)', 160)
          + (a.length !== b.length ? ' (' + a.length + ' blocks before, ' + b.length + ' now)' : '')]);
    }
    return changes;
  }

  async function showConflict(retry, retryLabel) {
    const editor = state.editor;
    const box = $('conflict');
    let fresh;
    try {
      fresh = await api('GET', '/v1/articles/' + encodeURIComponent(editor.id));
    } catch (err) {
      if (err.status === 404) {
        box.replaceChildren(el('h2', null, 'Someone else deleted this article'),
          el('p', null, 'It is gone from reads; your changes were not saved.'),
          el('div', { class: 'actions' }, el('a', { class: 'button', href: '#/articles' }, 'Back to the list')));
        box.hidden = false;
        box.focus();
        return;
      }
      showProblem(err, 'The article could not be read again');
      return;
    }
    const changes = describeChanges(editor.base, fresh.data, editor.draft, editor.editBase || editor.base);
    const lang = langOf(fresh.data.language);
    const list = el('dl');
    for (const [label, was, now, yours] of changes) {
      list.append(el('dt', null, label),
        el('dd', null, 'was ', el('q', { lang, dir: 'auto' }, excerpt(was, 300))),
        el('dd', null, 'now ', el('q', { lang, dir: 'auto', class: 'now' }, excerpt(now, 300))),
        yours ? el('dd', null, 'yours ', el('q', { lang, dir: 'auto', class: 'yours' }, excerpt(yours, 300))) : null);
    }
    box.replaceChildren(
      el('h2', null, 'Someone else changed this article since you opened it'),
      el('p', null, 'Nothing of yours was saved. Your changes are still in the form.',
        changes.length ? ' Their changes:' : ' Nothing you can see changed (the version moved on).'),
      changes.length ? list : null,
      el('div', { class: 'actions' },
        el('button', {
          type: 'button', id: 'conflict-reload',
          onclick: async () => {
            hideConflict();
            await openArticle(editor.id);
            showStatus('Reloaded: this is their version; your changes were discarded.');
          },
        }, 'Reload their version (discard mine)'),
        el('button', {
          type: 'button', id: 'conflict-overwrite', class: 'danger',
          onclick: async () => {
            hideConflict();
            // Mine is measured against what I started from; the write goes to their version.
            editor.editBase = editor.editBase || editor.base;
            editor.base = fresh.data;
            editor.etag = fresh.etag;
            await retry();
          },
        }, retryLabel)));
    box.hidden = false;
    box.focus();
  }

  // ---- Leaving with unsaved changes ------------------------------------------------------

  /** Whether the editor holds changes that are not saved. */
  function editorDirty() {
    const editor = state.editor;
    if (!editor || !editor.draft || !canWrite()) return false;
    const base = editor.mode === 'new' ? editor.previewBase : (editor.editBase || editor.base);
    if (!base) return false;
    if (Object.keys(patchBody(editor.draft, base)).length) return true;
    return editor.draft.entities.some((e) => e.removed || e.newType !== e.type);
  }

  function askLeave(target) {
    const box = $('alert');
    box.replaceChildren(
      el('div', { class: 'message' },
        el('strong', null, 'Your changes are not saved.'),
        el('span', { class: 'problem-detail' }, 'Save them first, or leave and lose them.'),
        el('div', { class: 'actions' },
          el('button', { type: 'button', id: 'leave-stay', class: 'primary', onclick: () => { box.hidden = true; $('e-title').focus(); } }, 'Stay and keep editing'),
          el('button', {
            type: 'button', id: 'leave-discard', class: 'danger',
            onclick: () => {
              box.hidden = true;
              state.editor = null;
              location.hash = target;
            },
          }, 'Leave without saving'))));
    box.hidden = false;
    $('leave-stay').focus();
  }

  // ---- Wiring ---------------------------------------------------------------------------

  function wire() {
    $('signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = $('signin-token').value.trim();
      if (!token) {
        showProblem({ problem: { title: 'No token', detail: 'Paste an API token to sign in.' } });
        return;
      }
      setBusy($('signin-submit'), true, 'Signing in…');
      try {
        await signIn(token);
        hideMessages();
        $('signin-token').value = '';
        if (!location.hash) history.replaceState(null, '', '#/articles');
        await route();
        $('main').focus();
      } catch (err) {
        showProblem(err, 'Not signed in');
      } finally {
        setBusy($('signin-submit'), false, 'Sign in');
      }
    });
    $('sign-out').addEventListener('click', signOut);
    $('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      loadList(listQuery(), false);
    });
    $('f-clear').addEventListener('click', () => {
      $('f-q').value = '';
      $('f-status').value = 'any';
      $('f-lang').value = '';
      $('f-source').value = '';
      $('f-tag').value = '';
      loadList(listQuery(), false);
    });
    $('list-more').addEventListener('click', () => {
      if (state.list.next) loadList(state.list.next, true);
    });
    $('source-form').addEventListener('submit', (event) => {
      event.preventDefault();
      preview();
    });
    $('source-file').addEventListener('change', (event) => readFile(event.target.files[0]));
    const drop = $('drop');
    drop.addEventListener('dragover', (event) => {
      event.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (event) => {
      event.preventDefault();
      drop.classList.remove('over');
      const file = event.dataTransfer && event.dataTransfer.files[0];
      if (file) readFile(file);
    });
    $('edit-form').addEventListener('submit', (event) => event.preventDefault());
    $('e-title').addEventListener('input', () => {
      // A title is one line, however it was pasted.
      const field = $('e-title');
      if (/[\r\n]/.test(field.value)) field.value = field.value.replace(/[\r\n]+/g, ' ');
      state.editor.draft.title = field.value;
      schedulePreview();
    });
    $('e-title').addEventListener('keydown', (event) => {
      if (event.key === 'Enter') event.preventDefault();
    });
    $('e-summary').addEventListener('input', () => {
      state.editor.draft.summary = $('e-summary').value;
      schedulePreview();
    });
    $('add-block').addEventListener('click', () => {
      const blocks = state.editor.draft.blocks;
      blocks.push({ type: 'paragraph', text: '' });
      renderBlocks();
      renderPreview();
      document.getElementById('block-text-' + (blocks.length - 1))?.focus();
    });
    $('confirm-delete-yes').addEventListener('click', deleteArticle);
    $('confirm-delete-no').addEventListener('click', () => {
      $('confirm-delete').hidden = true;
      $('delete')?.focus();
    });
    window.addEventListener('beforeunload', (event) => {
      if (editorDirty()) {
        event.preventDefault();
        event.returnValue = '';
      }
    });
    window.addEventListener('hashchange', async (event) => {
      if (editorDirty()) {
        // Unsaved changes: back to where the editor was, and ask.
        const target = location.hash;
        history.replaceState(null, '', new URL(event.oldURL).hash || '#/articles');
        askLeave(target);
        return;
      }
      hideMessages();
      await route();
      if (state.flash) {
        const flash = state.flash;
        state.flash = null;
        flash();
      }
    });
  }

  async function start() {
    wire();
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      try {
        await signIn(token);
      } catch (err) {
        sessionStorage.removeItem(TOKEN_KEY);
        showProblem(err, 'Signed out');
      }
    }
    await route();
  }

  start();
})();

// The API reference: /openapi.json (served by this same process) drawn as a page. No network
// beyond this origin; every string from the document is inserted as text, `code` spans included.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /** Text with its `code` spans as <code> elements (as text, never HTML). */
  function prose(text) {
    const parts = String(text || '').split('`');
    return parts.map((part, i) => (i % 2 ? el('code', null, part) : part));
  }

  function paragraphs(text) {
    return String(text || '').split(/\n\s*\n/).filter((p) => p.trim()).map((p) => el('p', null, prose(p)));
  }

  function anchor(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  }

  function refName(ref) {
    return typeof ref === 'string' ? ref.split('/').pop() : null;
  }

  /** A schema as a short type expression, with links to named schemas. */
  function typeOf(schema, depth) {
    if (!schema || typeof schema !== 'object') return 'any';
    if ((depth || 0) > 6) return '…';
    const d = (depth || 0) + 1;
    if (schema.$ref) {
      const name = refName(schema.$ref);
      return el('a', { href: '#schema-' + anchor(name) }, name);
    }
    for (const key of ['oneOf', 'anyOf', 'allOf']) {
      if (Array.isArray(schema[key])) {
        const joiner = key === 'allOf' ? ' & ' : ' | ';
        return schema[key].map((s, i) => [i ? joiner : '', typeOf(s, d)]);
      }
    }
    if (Array.isArray(schema.enum)) return schema.enum.map((v, i) => [i ? ' | ' : '', el('code', null, JSON.stringify(v))]);
    let type = schema.type;
    if (Array.isArray(type)) {
      return type.map((t, i) => [i ? ' | ' : '', t === 'array' ? ['array of ', typeOf(schema.items, d)] : t]);
    }
    if (type === 'array') return ['array of ', typeOf(schema.items, d)];
    if (type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      return ['map of ', typeOf(schema.additionalProperties, d)];
    }
    if (!type) return 'any';
    return schema.format ? type + ' (' + schema.format + ')' : type;
  }

  function tableWrap(table) {
    return el('div', { class: 'table-wrap' }, table);
  }

  function parameters(params) {
    if (!params || !params.length) return null;
    const rows = params.map((p) => el('tr', null,
      el('td', null, el('code', null, p.name), p.required ? el('span', { class: 'req' }, ' required') : null),
      el('td', null, p.in),
      el('td', null, typeOf(p.schema)),
      el('td', null, prose(p.description))));
    return [el('h4', null, 'Parameters'), tableWrap(el('table', null,
      el('thead', null, el('tr', null, el('th', null, 'Name'), el('th', null, 'In'), el('th', null, 'Type'), el('th', null, 'Description'))),
      el('tbody', null, rows)))];
  }

  function content(body) {
    if (!body || !body.content) return null;
    return el('ul', null, Object.entries(body.content).map(([type, media]) =>
      el('li', null, el('code', null, type), media && media.schema ? [': ', typeOf(media.schema)] : null)));
  }

  function responses(list) {
    if (!list) return null;
    const rows = Object.entries(list).map(([status, response]) => el('tr', null,
      el('td', null, el('code', null, status)),
      el('td', null, prose(response.description),
        response.headers ? el('div', { class: 'muted' }, 'Headers: ', Object.keys(response.headers).join(', ')) : null),
      el('td', null, content(response))));
    return [el('h4', null, 'Responses'), tableWrap(el('table', null,
      el('thead', null, el('tr', null, el('th', null, 'Status'), el('th', null, 'Meaning'), el('th', null, 'Body'))),
      el('tbody', null, rows)))];
  }

  function operation(method, path, op, id) {
    const secured = Array.isArray(op.security) && op.security.length > 0;
    return el('section', { class: 'op', id, 'aria-labelledby': id + '-h' },
      el('h3', { id: id + '-h' }, el('span', { class: 'method ' + method }, method.toUpperCase()), el('code', null, path)),
      op.summary ? el('p', null, el('strong', null, prose(op.summary))) : null,
      paragraphs(op.description),
      secured ? el('p', { class: 'muted' }, 'Needs ', el('code', null, 'Authorization: Bearer <token>'), '.') : null,
      parameters(op.parameters),
      op.requestBody ? [el('h4', null, 'Request body'), op.requestBody.description ? el('p', null, prose(op.requestBody.description)) : null, content(op.requestBody)] : null,
      responses(op.responses));
  }

  function schemaSection(name, schema) {
    const id = 'schema-' + anchor(name);
    const required = new Set(schema.required || []);
    const props = schema.properties ? Object.entries(schema.properties) : [];
    return el('section', { class: 'op', id, 'aria-labelledby': id + '-h' },
      el('h3', { id: id + '-h' }, el('code', null, name)),
      paragraphs(schema.description),
      props.length ? tableWrap(el('table', null,
        el('thead', null, el('tr', null, el('th', null, 'Field'), el('th', null, 'Type'), el('th', null, 'Description'))),
        el('tbody', null, props.map(([prop, s]) => el('tr', null,
          el('td', null, el('code', null, prop), required.has(prop) ? el('span', { class: 'req' }, ' required') : null),
          el('td', null, typeOf(s)),
          el('td', null, prose(s && s.description))))))) : el('p', null, 'Type: ', typeOf(schema)));
  }

  function render(doc) {
    const info = doc.info || {};
    $('doc-title').textContent = (info.title || 'API') + ' ' + (info.version || '') + ': API reference';
    document.title = $('doc-title').textContent;
    const body = $('doc-body');
    const toc = $('toc');
    body.replaceChildren(...paragraphs(info.description),
      el('p', null, 'OpenAPI ' + (doc.openapi || '') + '. The machine-readable document: ', el('a', { href: '/openapi.json' }, '/openapi.json'), '.'));
    const byTag = new Map();
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        const op = item[method];
        if (!op) continue;
        const tag = (op.tags && op.tags[0]) || 'other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push([method, path, op]);
      }
    }
    const tocChildren = [];
    for (const [tag, ops] of byTag) {
      const tagId = 'tag-' + anchor(tag);
      body.append(el('h2', { id: tagId }, tag));
      const items = [];
      for (const [method, path, op] of ops) {
        const id = 'op-' + method + '-' + anchor(path);
        body.append(operation(method, path, op, id));
        items.push(el('li', null, el('span', { class: 'method ' + method }, method.toUpperCase()), el('a', { href: '#' + id }, path)));
      }
      tocChildren.push(el('h2', null, el('a', { href: '#' + tagId }, tag)), el('ul', null, items));
    }
    const schemas = (doc.components && doc.components.schemas) || {};
    const names = Object.keys(schemas).sort();
    if (names.length) {
      body.append(el('h2', { id: 'schemas' }, 'Schemas'));
      for (const name of names) body.append(schemaSection(name, schemas[name]));
      tocChildren.push(el('h2', null, el('a', { href: '#schemas' }, 'Schemas')),
        el('ul', null, names.map((n) => el('li', null, el('a', { href: '#schema-' + anchor(n) }, n)))));
    }
    toc.replaceChildren(...tocChildren);
    $('doc-status').textContent = '';
    $('doc-status').hidden = true;
    if (location.hash) {
      const target = document.getElementById(location.hash.slice(1));
      if (target) target.scrollIntoView();
    }
  }

  fetch('/openapi.json', { headers: { Accept: 'application/json' } })
    .then((response) => {
      if (!response.ok) throw new Error('/openapi.json answered ' + response.status);
      return response.json();
    })
    .then(render)
    .catch((err) => {
      $('doc-status').textContent = 'The document could not be loaded: ' + err.message;
    });
})();

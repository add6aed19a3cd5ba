// The viewer page: one module, no framework. Every number shown comes from the JSON API, which reads the folder's files.
const app = document.getElementById('app');
const PAGE = 50;

const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const pct = v => (100 * v).toFixed(1);
const num = v => (v == null ? '—' : Number(v).toFixed(3));

async function api(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `${response.status}`);
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  return q.toString();
}

function options(values, selected, all = 'all') {
  return `<option value="">${all}</option>` + values.map(v => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(v)}</option>`).join('');
}

function pager(page, onMove) {
  const el = document.createElement('div');
  el.className = 'controls pager';
  const last = Math.min(page.offset + page.items.length, page.total);
  el.innerHTML = `<button data-move="prev" ${page.offset === 0 ? 'disabled' : ''}>previous</button>
    <span class="page-info" data-total="${page.total}">${page.total === 0 ? 0 : page.offset + 1}–${last} of ${page.total}</span>
    <button data-move="next" ${last >= page.total ? 'disabled' : ''}>next</button>`;
  el.querySelector('[data-move=prev]').onclick = () => onMove(Math.max(0, page.offset - page.limit));
  el.querySelector('[data-move=next]').onclick = () => onMove(page.offset + page.limit);
  return el;
}

function countTable(title, counts, attr) {
  const rows = Object.entries(counts).map(([k, v]) => `<tr data-${attr}="${esc(k)}"><td>${esc(k)}</td><td class="n">${v}</td></tr>`).join('');
  return `<table class="counts-table" data-table="${attr}"><tr><th>${esc(title)}</th><th>count</th></tr>${rows || '<tr><td colspan=2>none</td></tr>'}</table>`;
}

// ---------- dataset ----------
const datasetState = { type: '', reason: '', offset: 0 };

async function datasetGrid() {
  const summary = await api('/api/dataset/summary');
  const reasons = [...new Set([...Object.keys(summary.skippedObjectsByReason), ...Object.keys(summary.skippedQuestionsByReason)])].sort();
  app.innerHTML = `<h2>Dataset</h2>
    <div class="counts" id="summary">
      <span>images <b data-count="images">${summary.images}</b></span>
      <span>objects <b data-count="objects">${summary.objects}</b></span>
      <span>QA <b data-count="qa">${summary.qa}</b></span>
      <span>missing images <b data-count="missing-images">${summary.missingImages}</b></span>
      <span>unreadable records <b data-count="unreadable">${summary.unreadableRecords}</b></span>
      <span>point files <b data-count="points-files">${summary.pointsFiles}</b></span>
    </div>
    <details><summary>counts by type and reason</summary><div class="pair">
      ${countTable('question type', summary.qaByType, 'type')}
      ${countTable('skipped object/image reason', summary.skippedObjectsByReason, 'object-reason')}
      ${countTable('skipped question reason', summary.skippedQuestionsByReason, 'question-reason')}</div></details>
    <div class="controls">
      <label>question type <select id="type-filter">${options(Object.keys(summary.qaByType), datasetState.type)}</select></label>
      <label>failure reason <select id="reason-filter">${options(reasons, datasetState.reason)}</select></label>
    </div>
    <div id="pager-top"></div><div class="grid" id="grid"></div>`;
  document.getElementById('type-filter').onchange = e => { datasetState.type = e.target.value; datasetState.offset = 0; datasetPage(); };
  document.getElementById('reason-filter').onchange = e => { datasetState.reason = e.target.value; datasetState.offset = 0; datasetPage(); };
  await datasetPage();
}

async function datasetPage() {
  const started = performance.now();
  const page = await api(`/api/dataset/records?${query({ offset: datasetState.offset, limit: PAGE, type: datasetState.type, reason: datasetState.reason })}`);
  const grid = document.getElementById('grid');
  grid.dataset.loaded = 'false';
  grid.innerHTML = page.items.map(r => `<div class="card" data-index="${r.index}" data-id="${esc(r.id)}">
      ${r.error ? `<div class="missing error">${esc(r.error)}</div>` : r.imageMissing ? `<div class="missing" data-missing="true">image missing: ${esc(r.image)}</div>` : `<img loading="lazy" src="${r.imageUrl}" alt="${esc(r.id)}">`}
      <div>${esc(r.id)}</div><div><span data-objects>${r.objects}</span> objects · <span data-qa>${r.qa}</span> QA · ${r.skipped} skipped</div></div>`).join('');
  for (const card of grid.querySelectorAll('.card')) card.onclick = () => { location.hash = `#record/${card.dataset.index}`; };
  document.getElementById('pager-top').replaceChildren(pager(page, o => { datasetState.offset = o; datasetPage(); }));
  grid.dataset.loaded = 'true';
  // How long this page took (request and drawing), and since navigation, for the timing checks.
  grid.dataset.pageMs = (performance.now() - started).toFixed(1);
  grid.dataset.sinceNavigationMs = performance.now().toFixed(1);
}

function decodeMask(mask, width, height) {
  // COCO RLE: runs alternate background/foreground, column by column (index = x·height + y).
  const pixels = new Uint8Array(width * height);
  let pos = 0;
  mask.counts.forEach((run, r) => {
    if (r % 2 === 1) for (let i = pos; i < pos + run; i++) pixels[(i % mask.height) * width + Math.floor(i / mask.height)] = 1;
    pos += run;
  });
  return pixels;
}

const palette = [[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212]];

async function recordView(index) {
  const started = performance.now();
  const type = datasetState.type;
  const r = await api(`/api/dataset/records/${index}?${query({ type })}`);
  const layerBoxes = r.objects.map((o, i) => `<label><input type="checkbox" data-layer="${o.id}" checked> <span style="color:rgb(${palette[i % palette.length]})">■</span> ${esc(o.name ?? o.caption)}</label>`).join('');
  app.innerHTML = `<h2>${esc(r.id)}</h2>
    <p><a href="#">← all images</a> · <a href="#record/${index}/3d" id="open-3d">3D view</a> ·
      frame: ${r.frame.canonicalized ? 'canonical' : 'camera (not canonicalized)'} (${esc(r.frame.source)}${r.frame.failure ? ': ' + esc(r.frame.failure) : ''})</p>
    <div class="layers controls"><b>layers</b> <label><input type="checkbox" id="layer-photo" checked> photo</label>
      <label><input type="checkbox" id="layer-names" checked> names</label>
      ${r.overlayUrl ? '<label><input type="checkbox" id="layer-overlay"> overlay (synth --overlays)</label>' : ''} ${layerBoxes}</div>
    <div class="stack" id="stack" style="width:${r.width}px;height:${r.height}px">
      ${r.imageMissing ? `<div class="missing" id="photo" data-missing="true" style="width:${r.width}px;height:${r.height}px">image missing: ${esc(r.image)}</div>` : `<img id="photo" src="${r.imageUrl}" width="${r.width}" height="${r.height}">`}
      <canvas id="masks" width="${r.width}" height="${r.height}"></canvas>
      ${r.overlayUrl ? `<img class="overlay" id="overlay" src="${r.overlayUrl}" width="${r.width}" height="${r.height}" style="display:none">` : ''}
    </div>
    <h3>Objects (<span data-count="objects">${r.objects.length}</span>)</h3>
    <table id="objects"><tr><th>id</th><th>caption</th><th>name in questions</th><th>size w×l×h m</th><th>points</th><th>size known</th><th>margin ×</th><th>hidden outline</th><th>point file</th></tr>
      ${r.objects.map(o => `<tr data-object="${o.id}"><td>${o.id}</td><td>${esc(o.caption)}</td><td>${esc(o.name ?? '— (no name: not asked about)')}</td>
        <td>${o.size.map(v => v.toFixed(2)).join(' × ')}</td><td>${o.points}</td><td>${o.sizeKnown}</td><td>${o.marginScale.toFixed(2)}</td>
        <td>${o.hiddenOutline.toFixed(2)}</td><td>${o.pointsFile ? esc(o.pointsFile) + (o.pointsFileMissing ? ' (missing)' : '') : '—'}</td></tr>`).join('')}</table>
    <h3>Questions (<span data-count="qa-shown">${r.qa.length}</span> of <span data-count="qa">${r.qaTotal}</span>${type ? ', type ' + esc(type) : ''})</h3>
    <table id="qa"><tr><th>type</th><th>question</th><th>answer</th><th>value</th><th>margin ×</th><th>uncertain</th></tr>
      ${r.qa.map(q => `<tr data-type="${esc(q.type)}"><td>${esc(q.type)}</td><td>${esc(q.question)}</td><td>${esc(q.answer)}</td><td>${esc(q.value)}</td>
        <td>${q.marginScale.toFixed(2)}</td><td>${q.uncertain ? 'uncertain' : ''}</td></tr>`).join('')}</table>
    <h3>Skipped (<span data-count="skipped">${r.skipped.length}</span>)</h3>
    <table id="skipped"><tr><th>scope</th><th>id</th><th>reason</th></tr>${r.skipped.map(s => `<tr><td>${esc(s.scope)}</td><td>${esc(s.id)}</td><td>${esc(s.reason)}</td></tr>`).join('')}</table>
    <h3>Questions not asked</h3>${countTable('reason', r.skippedQuestions, 'question-reason')}
    ${r.perception ? `<details><summary>perception</summary><pre>${esc(JSON.stringify(JSON.parse(r.perception), null, 1))}</pre></details>` : ''}`;
  const decoded = new Map(r.objects.filter(o => o.mask).map(o => [o.id, decodeMask(o.mask, r.width, r.height)]));
  const draw = () => {
    const canvas = document.getElementById('masks');
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(r.width, r.height);
    const labels = [];
    r.objects.forEach((o, i) => {
      const on = document.querySelector(`[data-layer="${o.id}"]`).checked;
      const pixels = decoded.get(o.id);
      if (!on || !pixels) return;
      const [cr, cg, cb] = palette[i % palette.length];
      let sx = 0, sy = 0, n = 0;
      for (let p = 0; p < pixels.length; p++) if (pixels[p]) {
        image.data.set([cr, cg, cb, 110], 4 * p);
        sx += p % r.width; sy += Math.floor(p / r.width); n++;
      }
      if (n) labels.push([o.name ?? o.caption, sx / n, sy / n]);
    });
    ctx.putImageData(image, 0, 0);
    if (document.getElementById('layer-names').checked) {
      ctx.font = '12px sans-serif';
      for (const [text, x, y] of labels) { ctx.fillStyle = 'rgba(0,0,0,0.6)'; ctx.fillRect(x - 2, y - 11, ctx.measureText(text).width + 4, 14); ctx.fillStyle = '#fff'; ctx.fillText(text, x, y); }
    }
    canvas.dataset.drawnMasks = String(labels.length);
  };
  for (const box of document.querySelectorAll('.layers input')) box.onchange = () => {
    document.getElementById('photo').style.visibility = document.getElementById('layer-photo').checked ? 'visible' : 'hidden';
    const overlay = document.getElementById('overlay');
    if (overlay) overlay.style.display = document.getElementById('layer-overlay').checked ? 'block' : 'none';
    draw();
  };
  draw();
  performance.measure('record-rendered', { start: started, end: performance.now() });
}

async function view3d(index) {
  app.innerHTML = `<h2>3D view</h2><p><a href="#record/${index}">← image</a></p><div id="status3d"></div><div id="view3d"></div>`;
  const status = document.getElementById('status3d');
  let THREE, OrbitControls;
  if (!info.threeJsBundled) {
    status.innerHTML = '<p class="error" id="three-missing">3D view unavailable: three.js was not bundled into this build (npm was missing when it was built; install nodejs and npm and build again)</p>';
    return;
  }
  try {
    THREE = await import('three');
    ({ OrbitControls } = await import('/vendor/OrbitControls.js'));
  } catch (e) {
    status.innerHTML = `<p class="error" id="three-missing">3D view unavailable: three.js was not bundled into this build (npm was missing when it was built): ${esc(e.message)}</p>`;
    return;
  }
  const [record, cloud] = await Promise.all([api(`/api/dataset/records/${index}`), api(`/api/dataset/records/${index}/points`)]);
  const container = document.getElementById('view3d');
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setSize(container.clientWidth, container.clientHeight);
  renderer.setClearColor(0xffffff, 1);
  container.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(50, container.clientWidth / container.clientHeight, 0.01, 200);
  camera.up.set(0, 0, 1); // the question frame: x forward, y left, z up
  let pointCount = 0;
  cloud.objects.forEach(o => {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.Float32BufferAttribute(o.xyz, 3));
    const i = record.objects.findIndex(r => r.id === o.id);
    const [cr, cg, cb] = palette[Math.max(0, i) % palette.length];
    scene.add(new THREE.Points(geometry, new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, color: new THREE.Color(cr / 255, cg / 255, cb / 255) })));
    pointCount += o.kept;
  });
  let boxCount = 0;
  record.objects.forEach((o, i) => {
    const [cr, cg, cb] = palette[i % palette.length];
    const edges = new THREE.LineSegments(new THREE.EdgesGeometry(new THREE.BoxGeometry(o.size[0], o.size[1], o.size[2])),
      new THREE.LineBasicMaterial({ color: new THREE.Color(cr / 255, cg / 255, cb / 255) }));
    edges.position.set(o.center[0], o.center[1], o.center[2]);
    edges.rotation.z = o.yaw;
    edges.userData.objectId = o.id;
    scene.add(edges);
    boxCount++;
  });
  // The support plane z = 0 (a grid in the x-y plane) and the axes of the frame.
  // Only a canonicalized record has one: in the camera fallback frame z = 0 is no surface.
  if (record.frame.canonicalized) {
    const grid = new THREE.GridHelper(10, 20, 0x888888, 0xcccccc);
    grid.rotation.x = Math.PI / 2;
    scene.add(grid);
  }
  scene.add(new THREE.AxesHelper(0.5));
  // The camera: its centre and a small frustum (x right, y down, z forward in the camera frame) mapped by world_from_camera.
  const m = record.frame.worldFromCamera;
  const toWorld = ([x, y, z]) => new THREE.Vector3(m[0][0] * x + m[0][1] * y + m[0][2] * z + m[0][3], m[1][0] * x + m[1][1] * y + m[1][2] * z + m[1][3], m[2][0] * x + m[2][1] * y + m[2][2] * z + m[2][3]);
  const aspect = record.width / record.height, d = 0.3;
  const corners = [[-aspect * d / 2, -d / 2, d], [aspect * d / 2, -d / 2, d], [aspect * d / 2, d / 2, d], [-aspect * d / 2, d / 2, d]].map(toWorld);
  const origin = toWorld([0, 0, 0]);
  const frustum = [];
  corners.forEach((c, k) => frustum.push(origin, c, c, corners[(k + 1) % 4]));
  scene.add(new THREE.LineSegments(new THREE.BufferGeometry().setFromPoints(frustum), new THREE.LineBasicMaterial({ color: 0x000000 })));
  // Look from behind the camera at the objects.
  const target = record.objects.length ? new THREE.Vector3(...record.objects.map(o => o.center).reduce((a, c) => a.map((v, k) => v + c[k] / record.objects.length), [0, 0, 0])) : new THREE.Vector3(1, 0, 0);
  camera.position.copy(origin.clone().add(origin.clone().sub(target).multiplyScalar(0.6)).add(new THREE.Vector3(0, 0, 1)));
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.target.copy(target);
  controls.update();
  const render = () => renderer.render(scene, camera);
  controls.addEventListener('change', render);
  render();
  container.dataset.boxCount = String(boxCount);
  container.dataset.pointCount = String(pointCount);
  status.innerHTML = `<p><span data-count="boxes">${boxCount}</span> boxes · <span data-count="points">${pointCount}</span> of ${cloud.totalPoints} points shown
    ${cloud.downSampled ? `(down-sampled to at most ${cloud.maxPoints})` : ''} · ${record.frame.canonicalized ? 'support plane z = 0 drawn as a grid' : 'camera frame (not canonicalized): no support plane'} ${cloud.problems.map(p => `<br><span class="error">${esc(p)}</span>`).join('')}</p>`;
  window.viewer3d = {
    boxCount, pointCount,
    // Pixels of the drawn canvas that differ from the white background.
    paintedPixels() {
      const gl = renderer.getContext();
      const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight, buffer = new Uint8Array(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, buffer);
      let painted = 0;
      for (let i = 0; i < buffer.length; i += 4) if (buffer[i] < 250 || buffer[i + 1] < 250 || buffer[i + 2] < 250) painted++;
      return painted;
    },
  };
  container.dataset.ready = 'true';
}

// ---------- benchmark ----------
const benchState = { type: '', kind: '', offset: 0 };

async function benchmarkView() {
  const summary = await api('/api/benchmark/summary');
  app.innerHTML = `<h2>Benchmark ${esc(summary.file)}</h2>
    <div class="counts"><span>questions <b data-count="questions">${summary.questions}</b></span><span>malformed lines <b data-count="problems">${summary.problems}</b></span>
      ${Object.entries(summary.byKind).map(([k, v]) => `<span>${esc(k)} <b data-count="${esc(k)}">${v}</b></span>`).join('')}</div>
    <details><summary>by type</summary>${countTable('type', summary.byType, 'type')}</details>
    <div class="controls"><label>type <select id="type-filter">${options(Object.keys(summary.byType), benchState.type)}</select></label>
      <label>kind <select id="kind-filter">${options(Object.keys(summary.byKind), benchState.kind)}</select></label></div>
    <div id="pager-top"></div><table id="items"></table>`;
  document.getElementById('type-filter').onchange = e => { benchState.type = e.target.value; benchState.offset = 0; benchmarkPage(); };
  document.getElementById('kind-filter').onchange = e => { benchState.kind = e.target.value; benchState.offset = 0; benchmarkPage(); };
  await benchmarkPage();
}

async function benchmarkPage() {
  const page = await api(`/api/benchmark/items?${query({ offset: benchState.offset, limit: PAGE, type: benchState.type, kind: benchState.kind })}`);
  const table = document.getElementById('items');
  table.innerHTML = `<tr><th>image</th><th>id</th><th>type</th><th>question</th><th>a</th><th>b</th><th>answer</th><th>depth m</th></tr>` +
    page.items.map(q => `<tr data-type="${esc(q.type)}">${q.error ? `<td colspan=8 class="error">${esc(q.error)}</td>` : `
      <td>${q.imageUrl ? `<img src="${q.imageUrl}" width="120" loading="lazy">` : `<span class="missing" data-missing="true">missing</span>`}</td>
      <td>${esc(q.id)}</td><td>${esc(q.type)}</td><td>${esc(q.question)}</td><td>${esc(q.a)}</td><td>${esc(q.b)}</td><td>${esc(q.answer)}</td><td>${num(q.depthM)}</td>`}</tr>`).join('');
  document.getElementById('pager-top').replaceChildren(pager(page, o => { benchState.offset = o; benchmarkPage(); }));
  table.dataset.loaded = 'true';
}

// ---------- eval ----------
const evalState = { type: '', depth: '', outcome: '', sort: 'file', differ: '', offset: 0 };

function metricsTable(runs) {
  const rows = [
    ['qualitative n', 'qualitativeN', m => m.qualitativeN], ['qualitative accuracy %', 'qualitativeAccuracy', m => pct(m.qualitativeAccuracy)],
    ['quantitative n', 'quantitativeN', m => m.quantitativeN], ['output numbers %', 'outputNumbers', m => pct(m.outputNumbers)],
    ['in range [0.5, 2] %', 'inRange50To200', m => pct(m.inRange50To200)], ['in range [0.667, 1.5] %', 'inRange66To150', m => pct(m.inRange66To150)],
    ['in range [0.75, 1.25] %', 'inRange75To125', m => pct(m.inRange75To125)], ['in range [0.9, 1.1] %', 'inRange90To110', m => pct(m.inRange90To110)],
    ['sMAPE', 'smape', m => num(m.smape)], ['median abs. rel. error', 'medianAbsRelErr', m => num(m.medianAbsRelErr)]];
  const types = [...new Set(runs.flatMap(r => r.metrics.byType.map(t => t.type)))].sort();
  return `<table id="metrics"><tr><th>metric</th>${runs.map(r => `<th>${esc(r.name)}</th>`).join('')}</tr>
    ${rows.map(([label, key, f]) => `<tr data-metric="${key}"><td>${label}</td>${runs.map((r, i) => `<td data-run="${i}">${f(r.metrics)}</td>`).join('')}</tr>`).join('')}
    ${types.map(t => `<tr data-metric-type="${esc(t)}"><td>${esc(t)} %</td>${runs.map((r, i) => { const m = r.metrics.byType.find(x => x.type === t); return `<td data-run="${i}">${m ? pct(m.score) + ` (n ${m.n})` : '—'}</td>`; }).join('')}</tr>`).join('')}</table>`;
}

async function evalView(compare) {
  const runs = await api('/api/eval/runs');
  const types = [...new Set(runs.flatMap(r => Object.keys(r.byType)))].sort();
  app.innerHTML = `<h2>${compare ? 'Two runs side by side' : 'Evaluation ' + esc(runs[0].name)}</h2>
    <div class="counts">${runs.map((r, i) => `<span data-run="${i}">${esc(r.name)}: predictions <b data-count="predictions">${r.predictions}</b>,
      right <b data-count="right">${r.right}</b>, wrong <b data-count="wrong">${r.wrong}</b>, not scored <b data-count="not-scored">${r.notScored}</b></span>`).join('')}</div>
    <p>${runs.map((r, i) => r.hasReport ? `<a href="/files?root=${i}&path=report.md" data-report="${i}">${esc(r.name)}: report.md</a>` : '').join(' · ')}</p>
    ${metricsTable(runs)}
    <div class="plots">${runs.map((r, i) => r.plots.map(p => `<figure><img src="/files?root=${i}&path=${encodeURIComponent(p)}" alt="${esc(p)}"><figcaption>${esc(r.name)}: ${esc(p)}</figcaption></figure>`).join('')).join('')}</div>
    <div class="controls">
      <label>type <select id="type-filter">${options(types, evalState.type)}</select></label>
      <label>depth <select id="depth-filter">${options(runs[0].depthBins.map(b => b.label), evalState.depth)}</select></label>
      <label>outcome <select id="outcome-filter">${options(['right', 'wrong', 'not-scored'], evalState.outcome)}</select></label>
      <label>sort <select id="sort">${['file', 'error'].map(s => `<option${s === evalState.sort ? ' selected' : ''}>${s}</option>`).join('')}</select></label>
      ${compare ? `<label><input type="checkbox" id="differ"${evalState.differ ? ' checked' : ''}> only where the runs differ</label>` : ''}
    </div><div id="pager-top"></div><table id="predictions"></table>`;
  for (const [id, key] of [['type-filter', 'type'], ['depth-filter', 'depth'], ['outcome-filter', 'outcome'], ['sort', 'sort']])
    document.getElementById(id).onchange = e => { evalState[key] = e.target.value; evalState.offset = 0; evalPage(compare); };
  if (compare) document.getElementById('differ').onchange = e => { evalState.differ = e.target.checked ? 'true' : ''; evalState.offset = 0; evalPage(compare); };
  await evalPage(compare);
}

function predictionCells(p) {
  if (!p) return '<td colspan=5>not in this run</td>';
  return `<td>${esc(p.answer ?? p.error ?? '')}</td><td>${esc(p.parsed)}</td><td class="${p.outcome}" data-outcome="${p.outcome}">${p.outcome}</td>
    <td data-rel-error="${p.relativeError ?? ''}">${num(p.relativeError)}</td><td>${p.score ?? '—'}</td>`;
}

async function evalPage(compare) {
  const q = query({ offset: evalState.offset, limit: PAGE, type: evalState.type, depth: evalState.depth, outcome: evalState.outcome, sort: evalState.sort, differ: compare ? evalState.differ : '' });
  const page = await api(compare ? `/api/eval/compare?${q}` : `/api/eval/runs/0/predictions?${q}`);
  const names = [...document.querySelectorAll('#metrics tr:first-child th')].slice(1).map(th => th.textContent);
  const table = document.getElementById('predictions');
  const head = '<th>answer</th><th>parsed</th><th>outcome</th><th>rel. error</th><th>score</th>';
  table.innerHTML = (compare ? `<tr><th colspan=5></th>${names.map(n => `<th colspan=5>${esc(n)}</th>`).join('')}</tr>` : '') + `<tr><th>id</th><th>type</th><th>depth</th><th>question</th><th>truth</th>${head}${compare ? head : ''}</tr>` +
    page.items.map(item => {
      const p = compare ? item.first : item;
      return `<tr data-id="${esc(p.id)}" data-type="${esc(p.type)}" data-depth="${esc(p.depthBin)}"><td>${esc(p.id)}</td><td>${esc(p.type)}</td><td>${num(p.depthM)}</td>
        <td>${esc(p.question)}</td><td class="truth">${esc(p.expected)}</td>${predictionCells(p)}${compare ? predictionCells(item.second) : ''}</tr>`;
    }).join('');
  document.getElementById('pager-top').replaceChildren(pager(page, o => { evalState.offset = o; evalPage(compare); }));
  table.dataset.loaded = 'true';
}

// ---------- routing ----------
async function route(info) {
  const hash = location.hash.replace(/^#/, '');
  app.dataset.ready = 'false';
  try {
    if (info.kind === 'dataset') {
      const m = hash.match(/^record\/(\d+)(\/3d)?$/);
      if (m && m[2]) await view3d(Number(m[1]));
      else if (m) await recordView(Number(m[1]));
      else await datasetGrid();
    } else if (info.kind === 'benchmark') await benchmarkView();
    else await evalView(info.kind === 'compare');
  } catch (e) {
    app.innerHTML = `<p class="error" id="failure">${esc(e.message)}</p>`;
  }
  app.dataset.ready = 'true';
}

const info = await api('/api/info');
document.getElementById('kind').textContent = `${info.kind} folder`;
document.getElementById('kind').dataset.kind = info.kind;
document.getElementById('root').textContent = info.roots.join('  ·  ');
window.addEventListener('hashchange', () => route(info));
await route(info);

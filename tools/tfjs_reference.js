// Runs a TensorFlow.js graph model with pure-JS @tensorflow/tfjs (CPU backend) and writes one
// intermediate tensor, so the Python importer can be checked against the original graph.
// usage: node tools/tfjs_reference.js MODEL_JSON INPUT_NAME INPUT.f32 N,H,W,C OUTPUT_NODE OUT.f32
// (run by src/train/verify_import.py). Resolve @tensorflow/tfjs from the ignored work folder
// (src/train/work/node_modules, where src/train/fetch_backbone.sh installs it).
const path = require('path');
const fs = require('fs');
const tf = require(require.resolve('@tensorflow/tfjs',
  { paths: [path.join(__dirname, '..', 'src', 'train', 'work'), process.cwd()] }));

async function main() {
  const [modelJson, inputName, inputFile, shapeText, outputNode, outFile] = process.argv.slice(2);
  const model = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const dir = path.dirname(modelJson);
  // The graph declares a fixed input size; the trunk is fully convolutional, so let H/W vary.
  for (const node of model.modelTopology.node) {
    const dims = node.op === 'Placeholder' && node.attr.shape.shape.dim;
    if (dims && dims.length === 4) { dims[1].size = '-1'; dims[2].size = '-1'; }
  }
  if (model.signature) delete model.signature;
  const specs = [];
  const buffers = [];
  for (const group of model.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const handler = {
    load: async () => ({
      modelTopology: model.modelTopology, format: model.format, generatedBy: model.generatedBy,
      convertedBy: model.convertedBy, signature: model.signature, weightSpecs: specs, weightData,
    }),
  };
  await tf.setBackend('cpu');
  const graph = await tf.loadGraphModel(handler);
  const shape = shapeText.split(',').map(Number);
  const raw = fs.readFileSync(inputFile);
  const input = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), shape);
  const out = graph.execute({ [inputName]: input }, outputNode);
  const data = await out.data();
  fs.writeFileSync(outFile, Buffer.from(new Float32Array(data).buffer));
  process.stdout.write(JSON.stringify({ shape: out.shape }) + '\n');
}

main().catch((e) => { console.error(e.message); process.exit(1); });

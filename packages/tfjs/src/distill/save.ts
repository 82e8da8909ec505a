/** Writing a student's artifacts to disk (Node): <dir>/model.json and <dir>/weights.bin. */
import type { StudentArtifacts } from './student.js';

/** Creates `dir` if needed; returns the path of model.json. */
export async function writeStudent(dir: string, artifacts: StudentArtifacts): Promise<string> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  const json = path.join(dir, 'model.json');
  await fs.writeFile(json, JSON.stringify(artifacts.modelJson) + '\n');
  await fs.writeFile(path.join(dir, 'weights.bin'), artifacts.weightData);
  return json;
}

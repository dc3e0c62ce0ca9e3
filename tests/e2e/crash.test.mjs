// crash.test.mjs: kill -9 under load. Carriers apply for permits and an officer registers
// crossings, many at once; the server is killed with SIGKILL in the middle, started again
// on the same database, and every permit and crossing that was acknowledged (201) must be
// there. Two rounds; counts are bounded, nothing is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, carrierWithFleet } from './permits_helpers.test.mjs';

const srv = usePermitServer();
const ROUNDS = 2;

test('kill -9 under load: every acknowledged permit and crossing is there after a restart', async () => {
  const { k } = srv;
  const officer = await k.login('officer', 'kapka-demo-2026');
  const carriers = await Promise.all(Array.from({ length: 6 }, () => carrierWithFleet(k, 4)));
  const acked = { permits: [], crossings: [] };
  let seq = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let killed = false;
    const exited = new Promise((res) => k.proc.once('exit', res));
    const worker = async (job) => {
      while (!killed) {
        let r;
        try {
          r = await job();
        } catch {
          return; /* the connection died with the server */
        }
        if (r.status === 201 && r.json?.permit?.id) acked.permits.push(r.json.permit.id);
        else if (r.status === 201 && r.json?.id && r.json.checkpoint) acked.crossings.push(r.json.id);
      }
    };
    // each vehicle gets one permit of the type: the job moves on to the carrier's next one
    const permitJob = (c) => () => k.req('POST', '/api/v1/permit-applications', { token: c.token, body: { partner: 'UZ', type: 1, vehicle_id: c.vehicles[(c.next = (c.next ?? -1) + 1) % 4].id } });
    const crossingJob = () => () => k.req('POST', '/api/v1/crossings', { token: officer,
      body: { checkpoint: 'dostyk', direction: 'exit', vehicle_kind: 'car', plate: `KX ${process.pid % 1000} ${String(++seq).padStart(5, '0')}` } });
    const jobs = [...carriers.map((c) => permitJob(c)), crossingJob(), crossingJob(), crossingJob()];
    const running = jobs.map((j) => worker(j));
    // kill once enough has been acknowledged in this round
    const target = acked.permits.length + acked.crossings.length + 30;
    for (let i = 0; i < 1500 && acked.permits.length + acked.crossings.length < target; i++) await new Promise((res) => setTimeout(res, 20));
    k.proc.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(running);
    await k.resume();
  }
  const ministry = await k.login('ministry', 'kapka-demo-2026');
  const missing = [];
  for (const id of acked.permits) {
    const r = await k.req('GET', `/api/v1/permits/${id}`, { token: ministry });
    if (r.status !== 200) missing.push(`permit ${id}: ${r.status}`);
  }
  for (const id of acked.crossings) {
    const r = await k.req('GET', `/api/v1/crossings/${id}`, { token: officer });
    if (r.status !== 200) missing.push(`crossing ${id}: ${r.status}`);
  }
  assert.ok(acked.permits.length > 0 && acked.crossings.length > 0, JSON.stringify({ p: acked.permits.length, c: acked.crossings.length }));
  assert.deepEqual(missing, []);
  console.log(`# kill -9: ${ROUNDS} runs, ${acked.permits.length} permits and ${acked.crossings.length} crossings acknowledged, ${missing.length} lost`);
});

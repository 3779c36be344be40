// A thin bar across the top of every page while the hub runs a long job (the statistics
// back-fill, a backup, a restore being checked): "Building long-term statistics · 42 %".
// Fed by GET /api/health (its `jobs`), asked every few seconds, every second while one runs.
import { useEffect, useState } from 'preact/hooks';

import { request } from '../api.js';

const IDLE_MS = 5000;
const BUSY_MS = 1000;

export function JobsBanner() {
  const [jobs, setJobs] = useState([]);
  useEffect(() => {
    let timer = 0;
    let live = true;
    let busy = false;
    const ask = async () => {
      if (!document.hidden) {
        try {
          const health = await request('GET', '/api/health');
          busy = (health.jobs ?? []).length > 0;
          if (live) setJobs(health.jobs ?? []);
        } catch {
          busy = false; // out of reach: the offline banner says so
        }
      }
      if (live) timer = setTimeout(ask, busy ? BUSY_MS : IDLE_MS);
    };
    ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  if (!jobs.length) return null;
  return (
    <div class="jobs-banner" role="status">
      {jobs.map((job) => (
        <div class="job" key={`${job.kind}-${job.title}`}>
          <span>
            {job.title}
            {job.phase ? ` · ${job.phase}` : ''}
            {job.percent === null ? '…' : ` · ${job.percent} %`}
          </span>
          <progress
            aria-label={job.title}
            max={job.total || 1}
            value={job.total ? job.done : undefined}
          />
        </div>
      ))}
    </div>
  );
}

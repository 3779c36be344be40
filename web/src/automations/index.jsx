// The automations chunk, loaded on first use: automations, their traces and editor, scenes.
import './automations.css';

import { AutomationDetail } from './Detail.jsx';
import { AutomationEditor } from './Editor.jsx';
import { AutomationList } from './List.jsx';
import { Scenes } from './Scenes.jsx';
import { TraceView } from './Trace.jsx';

export function AutomationsView({ here }) {
  switch (here.view) {
    case 'automation':
      return <AutomationDetail key={here.id} id={here.id} />;
    case 'edit':
      return <AutomationEditor key={here.id} id={here.id} />;
    case 'new':
      return <AutomationEditor key="new" />;
    case 'trace':
      return <TraceView id={here.id} traceId={here.trace} />;
    case 'scenes':
      return <Scenes />;
    default:
      return <AutomationList />;
  }
}

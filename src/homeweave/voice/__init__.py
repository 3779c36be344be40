"""Talking to the home: intents from text (hassil + home-assistant-intents), carried out on the
model through ``Commands``, answered in the speaker's language. The agent is
``homeweave.voice.agent.VoiceAgent``; this face imports nothing heavy."""

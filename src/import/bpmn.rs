//! BPMN 2.0 XML (`.bpmn`, and `.xml` holding one): each `<process>` is a
//! pathway. Start events are entries, end events exits, tasks and
//! sub-processes services (a sub-process's inside is not read),
//! exclusive, inclusive and complex gateways decisions, parallel and
//! event-based gateways forks. Sequence flows are connectors: their name
//! and their condition expression are their text. Text annotations are
//! notes. A flow out of a boundary event (an event on a task's edge, such
//! as "Did not attend") is a connector from that task, labelled with the
//! event's name. The diagram interchange (`bpmndi`) part is not needed.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{Form, Link, Page, Shape};

/// Reads every process.
pub fn read(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    let mut reader = Reader::from_str(text);
    let mut pages: Vec<Page> = Vec::new();
    // Participant names by the process they stand for.
    let mut participants: Vec<(String, String)> = Vec::new();
    let mut seen_root = false;
    let mut process: Option<Page> = None;
    // Depth of sub-process nesting inside the current process.
    let mut inner = 0usize;
    // Where text goes: a flow's condition, an annotation's text.
    let mut collecting: Option<Collect> = None;
    let mut buffer = String::new();
    // Boundary events of the current process: (id, name, the task it is on).
    let mut boundaries: Vec<(String, String, String)> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("its XML is malformed: {e}"))?;
        let started = matches!(event, Event::Start(_));
        match event {
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                seen_root = true;
                if e.local_name().as_ref() != b"definitions" {
                    return Err(format!(
                        "it is not BPMN: it starts with <{}>, not <definitions>",
                        String::from_utf8_lossy(e.local_name().as_ref())
                    ));
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"participant" => {
                if let (Some(p), Some(n)) = (attribute(&e, b"processRef"), attribute(&e, b"name")) {
                    participants.push((p, n));
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"process" => {
                let id = attribute(&e, b"id").unwrap_or_default();
                let name = attribute(&e, b"name").unwrap_or_default();
                process = Some(Page {
                    // A process without a name is named by its participant
                    // (found later): its id is kept until then.
                    name: if name.is_empty() {
                        format!("\u{0}{id}")
                    } else {
                        name
                    },
                    ..Page::default()
                });
            }
            Event::End(e) if e.local_name().as_ref() == b"process" => {
                if let Some(mut p) = process.take() {
                    // A flow out of an event on a task's edge ("Did not
                    // attend", "After 6 weeks") leaves the task itself, for
                    // the reason the event names.
                    for l in &mut p.links {
                        let Some((_, name, task)) =
                            boundaries.iter().find(|(id, _, _)| *id == l.from)
                        else {
                            continue;
                        };
                        l.from = task.clone();
                        l.text = match (name.trim(), l.text.trim()) {
                            (n, "") => n.to_string(),
                            ("", t) => t.to_string(),
                            (n, t) => format!("{n}\n{t}"),
                        };
                    }
                    boundaries.clear();
                    pages.push(p);
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"subProcess" && process.is_some() => {
                if inner == 0 {
                    add_shape(&mut process, &e, Form::Process);
                }
                inner += 1;
            }
            Event::End(e) if e.local_name().as_ref() == b"subProcess" => {
                inner = inner.saturating_sub(1);
            }
            Event::Start(e) | Event::Empty(e) if process.is_some() && inner == 0 => {
                let count = pages
                    .iter()
                    .chain(process.as_ref())
                    .map(|p| p.shapes.len() + p.links.len())
                    .sum();
                super::too_many(count)?;
                let name = e.local_name();
                let name = name.as_ref();
                if let Some(form) = form_of(name) {
                    add_shape(&mut process, &e, form);
                    if form == Form::Note && started {
                        collecting = Some(Collect::Annotation);
                        buffer.clear();
                    }
                } else if name == b"sequenceFlow" {
                    if let Some(p) = process.as_mut() {
                        p.links.push(Link {
                            id: attribute(&e, b"id").unwrap_or_default(),
                            from: attribute(&e, b"sourceRef").unwrap_or_default(),
                            to: attribute(&e, b"targetRef").unwrap_or_default(),
                            text: attribute(&e, b"name").unwrap_or_default(),
                        });
                    }
                } else if name == b"boundaryEvent" {
                    if let Some(task) = attribute(&e, b"attachedToRef") {
                        boundaries.push((
                            attribute(&e, b"id").unwrap_or_default(),
                            attribute(&e, b"name").unwrap_or_default(),
                            task,
                        ));
                    }
                } else if name == b"conditionExpression" && started {
                    collecting = Some(Collect::Condition);
                    buffer.clear();
                }
            }
            Event::Text(t) if collecting.is_some() => {
                let t = t
                    .decode()
                    .map_err(|e| format!("its XML is malformed: {e}"))?;
                buffer.push_str(&t);
            }
            Event::CData(t) if collecting.is_some() => {
                buffer.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if collecting.is_some() => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    buffer.push(c);
                } else if let Ok(name) = r.decode() {
                    buffer.push_str(
                        quick_xml::escape::resolve_predefined_entity(&name).unwrap_or(""),
                    );
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                match (name.as_ref(), collecting) {
                    (b"conditionExpression", Some(Collect::Condition)) => {
                        if let Some(l) = process.as_mut().and_then(|p| p.links.last_mut()) {
                            let condition = buffer.trim();
                            if !condition.is_empty() {
                                l.text = if l.text.is_empty() {
                                    condition.to_string()
                                } else {
                                    format!("{}\n{condition}", l.text)
                                };
                            }
                        }
                        collecting = None;
                    }
                    (b"text", Some(Collect::Annotation)) => {
                        if let Some(s) = process.as_mut().and_then(|p| p.shapes.last_mut()) {
                            s.text = buffer.trim().to_string();
                        }
                        collecting = None;
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err("it holds no XML".to_string());
    }
    // A process named by nothing but its id takes its participant's name.
    for p in &mut pages {
        if let Some(id) = p.name.strip_prefix('\u{0}') {
            let id = id.to_string();
            p.name = participants
                .iter()
                .find(|(pid, _)| *pid == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
        }
        // Gateways without a name still branch; shapes without text are
        // named by their id.
        for s in &mut p.shapes {
            if s.text.trim().is_empty() && !matches!(s.form, Form::Decision | Form::Fork) {
                s.text = s.id.clone();
            }
        }
    }
    if pages.is_empty() {
        return Err("it has no <process> to read as a pathway".to_string());
    }
    Ok(pages)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Collect {
    Condition,
    Annotation,
}

fn add_shape(process: &mut Option<Page>, e: &BytesStart<'_>, form: Form) {
    if let Some(p) = process.as_mut() {
        p.shapes.push(Shape {
            id: attribute(e, b"id").unwrap_or_default(),
            text: attribute(e, b"name").unwrap_or_default(),
            form,
        });
    }
}

/// What a flow element is drawn as; `None` for what is not a shape.
fn form_of(name: &[u8]) -> Option<Form> {
    Some(match name {
        b"startEvent" => Form::Start,
        b"endEvent" => Form::End,
        b"task"
        | b"userTask"
        | b"manualTask"
        | b"serviceTask"
        | b"sendTask"
        | b"receiveTask"
        | b"scriptTask"
        | b"businessRuleTask"
        | b"callActivity"
        | b"intermediateCatchEvent"
        | b"intermediateThrowEvent" => Form::Process,
        b"exclusiveGateway" | b"inclusiveGateway" | b"complexGateway" => Form::Decision,
        b"parallelGateway" | b"eventBasedGateway" => Form::Fork,
        b"textAnnotation" => Form::Note,
        _ => return None,
    })
}

fn attribute(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw)
                .map(|c| c.into_owned())
                .unwrap_or(raw)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <bpmn:process id="p1" name="Knees">
    <bpmn:startEvent id="gp" name="GP practice"/>
    <bpmn:exclusiveGateway id="d" name="Surgery?"/>
    <bpmn:task id="ortho" name="Orthopaedic surgery"/>
    <bpmn:endEvent id="home" name="Home"/>
    <bpmn:sequenceFlow id="f1" sourceRef="gp" targetRef="d"/>
    <bpmn:sequenceFlow id="f2" name="Yes" sourceRef="d" targetRef="ortho">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">BMI &lt; 40</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="ortho" targetRef="home"/>
    <bpmn:textAnnotation id="n"><bpmn:text>Owner: Example ICB</bpmn:text></bpmn:textAnnotation>
  </bpmn:process>
</bpmn:definitions>"#;

    #[test]
    fn a_small_process() {
        let pages = read(SMALL.as_bytes()).unwrap();
        let p = &pages[0];
        assert_eq!(p.name, "Knees");
        let forms: Vec<Form> = p.shapes.iter().map(|s| s.form).collect();
        assert_eq!(
            forms,
            [
                Form::Start,
                Form::Decision,
                Form::Process,
                Form::End,
                Form::Note
            ]
        );
        assert_eq!(p.shapes[4].text, "Owner: Example ICB");
        assert_eq!(p.links[1].text, "Yes\nBMI < 40");
    }

    #[test]
    fn not_bpmn() {
        assert!(read(b"<mxfile/>").unwrap_err().contains("not BPMN"));
        assert!(read(b"<definitions></definitions>")
            .unwrap_err()
            .contains("no <process>"));
    }
}
